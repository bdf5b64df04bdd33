package org.cam4j.cli.serve;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A {@code multipart/form-data} body split into its named parts (the server's uploads). */
final class Multipart {
    private Multipart() {
    }

    static Map<String, byte[]> parse(byte[] body, String contentType) {
        int at = contentType.indexOf("boundary=");
        if (at < 0) {
            throw new IllegalArgumentException("multipart body without a boundary in its Content-Type");
        }
        String boundary = contentType.substring(at + 9).replace("\"", "").split(";")[0].trim();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> parts = new HashMap<>();
        int pos = indexOf(body, delimiter, 0);
        while (pos >= 0) {
            int start = pos + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int next = indexOf(body, delimiter, start);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalArgumentException("malformed multipart body");
            }
            String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("name=\"([^\"]*)\"").matcher(headers);
            int contentStart = headersEnd + 4;
            int contentEnd = next - 2; // the CRLF before the next delimiter
            if (name.find() && contentEnd >= contentStart) {
                byte[] content = new byte[contentEnd - contentStart];
                System.arraycopy(body, contentStart, content, 0, content.length);
                parts.put(name.group(1), content);
            }
            pos = next;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
