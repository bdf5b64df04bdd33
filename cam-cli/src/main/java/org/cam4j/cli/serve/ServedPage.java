package org.cam4j.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page and its Content-Security-Policy: nothing is loaded from anywhere but this server, and only the page's
 * own inline script and style run (allowed by their SHA-256 hashes, so an injected script would not).
 */
record ServedPage(byte[] html, String policy) {
    private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

    static ServedPage load(String resource) {
        String text;
        try (InputStream in = ServedPage.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> scripts = new ArrayList<>();
        List<String> styles = new ArrayList<>();
        Matcher m = INLINE.matcher(text);
        while (m.find()) {
            (m.group(1).equals("script") ? scripts : styles).add("'sha256-" + sha256(m.group(2)) + "'");
        }
        String policy = "default-src 'none'; script-src " + String.join(" ", scripts) + "; style-src "
                + String.join(" ", styles) + "; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none';"
                + " form-action 'none'; frame-ancestors 'none'";
        return new ServedPage(text.getBytes(StandardCharsets.UTF_8), policy);
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
