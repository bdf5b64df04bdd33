package org.cam4j.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
 * Over raw HTTP (a browser's headers, which Java's HTTP client will not forge): requests naming another host,
 * sent by another site's page, or posting a body of another type are refused, and the page carries a strict
 * Content-Security-Policy and no CORS header.
 */
class RequestGuardTest {
    @TempDir
    Path dir;

    private static String exchange(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    private static String get(int port, String path, String host, String extra) throws Exception {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "Connection: close\r\n\r\n");
    }

    private static String post(int port, String host, String type, String extra) throws Exception {
        String body = "{\"methods\": [\"GradCAM\"]}";
        return exchange(port, "POST /api/explain HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.length() + "\r\n" + extra + "Connection: close\r\n\r\n" + body);
    }

    @Test
    void foreignHostsOtherSitesAndOtherBodiesAreRefused() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cnn", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(4, 60, 1 << 20, 10_000_000),
                     List.of("cams.internal"))) {
            int port = server.port();
            String self = "127.0.0.1:" + port;
            assertThat(get(port, "/api/models", self, "")).startsWith("HTTP/1.1 200").doesNotContain("Access-Control");
            assertThat(get(port, "/api/models", "localhost:" + port, "")).startsWith("HTTP/1.1 200");
            assertThat(get(port, "/api/models", "[::1]:" + port, "")).startsWith("HTTP/1.1 200");
            assertThat(get(port, "/api/models", "cams.internal:" + port, "")).startsWith("HTTP/1.1 200");
            // DNS rebinding: a foreign name pointed at this machine
            assertThat(get(port, "/api/models", "attacker.example:" + port, "")).startsWith("HTTP/1.1 403")
                    .contains("--allow-host");
            assertThat(get(port, "/", "attacker.example", "")).startsWith("HTTP/1.1 403");
            // another site's page
            assertThat(post(port, self, "application/json", "Origin: http://attacker.example\r\n"))
                    .startsWith("HTTP/1.1 403").contains("cross-origin request from http://attacker.example");
            assertThat(get(port, "/api/models", self, "Sec-Fetch-Site: cross-site\r\n")).startsWith("HTTP/1.1 403");
            // the page's own requests still pass
            assertThat(post(port, self, "application/json", "Origin: http://" + self + "\r\nSec-Fetch-Site:"
                    + " same-origin\r\n")).startsWith("HTTP/1.1 400").contains("no image");
            // bodies a page may post cross-site without asking
            assertThat(post(port, self, "text/plain", "")).startsWith("HTTP/1.1 415").contains("application/json");
            assertThat(post(port, self, "application/x-www-form-urlencoded", "")).startsWith("HTTP/1.1 415");
            // HEAD is GET without a body; a known route with another method is 405 naming the right one
            assertThat(exchange(port, "HEAD / HTTP/1.1\r\nHost: " + self + "\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200").doesNotContain("<html");
            assertThat(exchange(port, "PUT /api/models HTTP/1.1\r\nHost: " + self + "\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 405").contains("use GET");
            String page = get(port, "/", self, "");
            assertThat(page).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Security-Policy: default-src"
                    + " 'none'; script-src 'sha256-").containsIgnoringCase("X-Content-Type-Options: nosniff")
                    .doesNotContain("unsafe-inline").doesNotContain("Access-Control");
        }
    }
}
