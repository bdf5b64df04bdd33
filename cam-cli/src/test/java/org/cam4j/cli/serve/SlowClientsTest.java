package org.cam4j.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * 200 connections that send nothing, send their headers slowly, or promise a longer body than they send do not keep
 * the server from answering another client (a fixed pool of 64 threads froze under them until they went away).
 */
class SlowClientsTest {
    @TempDir
    Path dir;

    @Test
    void twoHundredStalledConnectionsDoNotDelayAnotherClient() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        List<Socket> stalled = new ArrayList<>();
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cnn", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(8, 60, 1 << 20, 10_000_000))) {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                stalled.add(s);
                OutputStream out = s.getOutputStream();
                String partial = switch (i % 3) {
                    case 0 -> "";
                    case 1 -> "POST /api/explain HTTP/1.1\r\nHost: 127.0.0.1\r\n";
                    default -> "POST /api/explain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n{";
                };
                out.write(partial.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            Thread.sleep(500);
            // a client that would hang forever if the server were frozen: its bound is a hang check, not a speed goal
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/api/models")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"id\":\"cnn\"");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aBodyThatStopsArrivingGetsA408WithinTheSendTimeout() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cnn", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(8, 60, 1 << 20, 10_000_000, 2));
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            s.getOutputStream().write(("POST /api/explain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:"
                    + " application/json\r\nContent-Length: 1000\r\n\r\n{\"image\": \"").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] answer = new byte[4096];
            int n = s.getInputStream().read(answer);
            double seconds = (System.nanoTime() - start) / 1e9;
            String text = new String(answer, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 408");
            // the body of the answer may come in a second read
            if (!text.contains("--send-timeout")) {
                n = s.getInputStream().read(answer);
                text += new String(answer, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
            }
            assertThat(text).contains("did not arrive within 2 s of its headers (--send-timeout)");
            assertThat(seconds).as("answered at the limit, not before").isGreaterThan(1.5);
            // the server still answers others
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/api/models")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }
}
