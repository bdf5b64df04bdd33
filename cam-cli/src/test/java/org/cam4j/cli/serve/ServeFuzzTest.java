package org.cam4j.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.cam4j.cli.CliTestFiles;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.Labels;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz of the HTTP API over raw sockets: 2,000 requests with random methods and paths, and bodies made by
 * mutating a good request (bytes flipped, cut, repeated; fields replaced by values of other types; multipart parts
 * broken). The server must never answer 500, never put a stack trace in a body, keep its heap bounded, and still
 * answer a good request correctly afterwards.
 */
class ServeFuzzTest {
    private static final int REQUESTS = 2_000;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE"};
    private static final String[] PATHS = {"/", "/index.html", "/api/models", "/api/models/cnn/layers",
        "/api/models/../../etc/passwd/layers", "/api/methods", "/api/demo-image", "/api/explain", "/api/requests/r1",
        "/api/requests/", "/api/", "/api/explain/extra", "/%2e%2e/%2e%2e/etc/passwd", "/api/models/%00/layers"};
    private static final String[] TYPES = {"application/json", "multipart/form-data; boundary=fuzz",
        "multipart/form-data", "text/plain", "application/json; charset=utf-16", null};
    private static final String[] VALUES = {"null", "true", "-1", "1e308", "\"\"", "[]", "{}", "[[[[[]]]]]",
        "\"GradCAM\"", "[\"GradCAM\", 7]", "{\"a\": {\"b\": []}}", "\"" + "x".repeat(5000) + "\"", "\"../../etc/passwd\"",
        "[\"similarity:/etc/passwd\"]", "[\"softmax:99999999999999999999\"]", "{\"image_weight\": [1]}",
        "{\"batch_size\": \"-5\"}", "{\"eigen_smooth\": {}}", "\"npy\"", "\"gif\""};
    private static final String[] FIELDS = {"image", "methods", "layers", "targets", "options", "format", "model",
        "request_id"};

    @TempDir
    Path dir;

    private static Reply exchange(int port, byte[] request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            String text = got.toString(StandardCharsets.UTF_8);
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12))
                    : -1;
            return new Reply(status, text);
        }
    }

    private record Reply(int status, String text) {
    }

    private static byte[] request(String method, String path, String type, byte[] body) {
        StringBuilder h = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (type != null) {
            h.append("Content-Type: ").append(type).append("\r\n");
        }
        h.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String goodJson(String image) {
        return "{\"image\": \"" + image + "\", \"methods\": [\"GradCAM\"], \"layers\": [\"block_out\"], "
                + "\"format\": \"npy\"}";
    }

    private static byte[] mutate(Random r, byte[] good) {
        byte[] b = good.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> {
                int from = r.nextInt(b.length);
                int to = Math.min(b.length, from + r.nextInt(64));
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, to);
                o.write(b, from, to - from);
                o.write(b, to, b.length - to);
                b = o.toByteArray();
            }
            default -> {
                // a field replaced by a value of any type
                String field = FIELDS[r.nextInt(FIELDS.length)];
                String json = new String(b, StandardCharsets.UTF_8);
                b = ("{" + json.substring(1, json.length() - 1) + ", \"" + field + "\": " + VALUES[r.nextInt(
                        VALUES.length)] + "}").getBytes(StandardCharsets.UTF_8);
            }
        }
        return b;
    }

    private static byte[] multipart(Random r, byte[] image) {
        String[] parts = {"image", "methods", "layers", "targets", "format", "model", "request_id", "junk"};
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int k = 0; k < r.nextInt(5); k++) {
            String name = parts[r.nextInt(parts.length)];
            o.writeBytes(("--fuzz\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            o.writeBytes(name.equals("image") && r.nextBoolean() ? image : VALUES[r.nextInt(VALUES.length)]
                    .getBytes(StandardCharsets.UTF_8));
            o.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (r.nextBoolean()) {
            o.writeBytes("--fuzz--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return o.toByteArray();
    }

    @Test
    void twoThousandMutatedRequestsGetNoServerErrorAndAGoodRequestStillWorks() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        byte[] photo = Files.readAllBytes(CliTestFiles.photo(dir.resolve("photo.png"), 3, 24, 20));
        String image = Base64.getEncoder().encodeToString(photo);
        byte[] good = goodJson(image).getBytes(StandardCharsets.UTF_8);
        Random r = new Random(20261206);
        TreeMap<Integer, Integer> statuses = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cnn", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(8, 60, 1 << 20, 10_000_000))) {
            for (int i = 0; i < REQUESTS; i++) {
                boolean explain = r.nextInt(3) > 0;
                String method = explain ? "POST" : METHODS[r.nextInt(METHODS.length)];
                String path = explain ? "/api/explain" : PATHS[r.nextInt(PATHS.length)];
                String type = TYPES[r.nextInt(TYPES.length)];
                byte[] body = type != null && type.startsWith("multipart") ? multipart(r, photo) : mutate(r, good);
                Reply reply = exchange(server.port(), request(method, path, type, body));
                statuses.merge(reply.status(), 1, Integer::sum);
                if (reply.status() < 200 || reply.status() >= 500 && reply.status() != 503
                        || reply.text().contains("\tat ") || reply.text().contains("Exception")) {
                    problems.add(reply.status() + " for " + method + " " + path + " " + type + ": "
                            + reply.text().lines().reduce((a, b) -> b).orElse(""));
                }
            }
            System.gc();
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            Reply after = exchange(server.port(), request("POST", "/api/explain", "application/json", good));
            System.out.println("fuzz: " + REQUESTS + " requests, statuses " + statuses + ", heap after "
                    + heap / (1 << 20) + " MB");
            assertThat(problems).as("server errors or stack traces").isEmpty();
            assertThat(after.status()).as(after.text()).isEqualTo(200);
            assertThat(after.text()).contains("\"cams\":{\"GradCAM\":\"");
            assertThat(heap).as("heap after the fuzz").isLessThan(1L << 30);
        }
    }
}
