package org.cam4j.cli.serve;

import org.cam4j.engine.FieldNames;
import org.cam4j.cli.CliRun;
import org.cam4j.cli.CliTestFiles;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cam serve}'s API over real HTTP on loopback: every endpoint, bad input, limits, and concurrency. */
class CamServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path model;
    private ExplainableModel opened;
    private CamServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private CamServer start(CamServer.Limits limits) throws Exception {
        opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
        ModelSettings settings = ModelSettings.none();
        CamServer.Served served = new CamServer.Served("cnn", model, opened, settings, Labels.none(),
                PreprocessingRequest.NONE.resolve(settings, opened, FieldNames.CLI, FieldNames.CLI));
        server = CamServer.start("127.0.0.1", 0, List.of(served), limits);
        return server;
    }

    @BeforeEach
    void files() throws Exception {
        model = CliTestFiles.cnn(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (opened != null) {
            opened.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(explainRequest(body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest explainRequest(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/explain"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String explainJson(Path image, String methods, String extra) throws Exception {
        return "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(image)) + "\", \"model\":"
                + " \"cnn\", \"methods\": [" + methods + "], \"layers\": [\"block_out\"], \"format\": \"npy\"" + extra
                + "}";
    }

    private static Tensor npy(String base64) throws Exception {
        Path f = Files.createTempFile("cam", ".npy");
        try {
            Files.write(f, Base64.getDecoder().decode(base64));
            return org.cam4j.tensor.Npy.read(f);
        } finally {
            Files.delete(f);
        }
    }

    private Tensor cliCam(Path image, String method) {
        Path out = dir.resolve("cli-" + image.getFileName());
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--layer", "block_out", "--image",
                image.toString(), "--method", method, "--out", out.toString(), "--save-npy");
        assertThat(r.exit()).as(r.err()).isZero();
        return org.cam4j.tensor.Npy.read(out.resolve(OutputNames.base(image) + "." + method + ".npy"));
    }

    /** The overlay file cam explain writes in {@code format}. */
    private byte[] cliOverlay(Path image, String method, String format) throws Exception {
        Path out = dir.resolve("cli-" + format + "-" + image.getFileName());
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--layer", "block_out", "--image",
                image.toString(), "--method", method, "--out", out.toString(), "--format", format);
        assertThat(r.exit()).as(r.err()).isZero();
        return Files.readAllBytes(out.resolve(OutputNames.base(image) + "." + method + "." + format));
    }

    /** The bytes a data URL carries. */
    private static byte[] dataUrlBytes(String url) {
        return Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
    }

    @Test
    void everyEndpoint() throws Exception {
        start(new CamServer.Limits(8, 60, 1 << 20, 10_000_000));
        assertThat(get("/").body()).contains("<title>cam4j</title>");
        JsonNode models = JSON.readTree(get("/api/models").body());
        assertThat(models.get(0).get("id").asText()).isEqualTo("cnn");
        assertThat(models.get(0).get("suggestedLayer").asText()).isEqualTo("block_out");
        assertThat(JSON.readTree(get("/api/models/cnn/layers").body()).findValuesAsText("name")).contains("block_out");
        assertThat(JSON.readTree(get("/api/methods").body()).findValuesAsText("name")).contains("GradCAM", "ScoreCAM");
        assertThat(get("/api/demo-image").statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = get("/api/models/nope/layers");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("unknown model 'nope'");
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/etc/passwd").statusCode()).isEqualTo(404);

        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 3, 24, 20);
        HttpResponse<String> r = post(explainJson(photo, "\"GradCAM\", \"EigenCAM\"", ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("predictions")).hasSize(5);
        assertThat(body.get("seconds").get("GradCAM").asDouble()).isPositive();
        assertThat(npy(body.get("cams").get("GradCAM").asText()).maxAbsDiff(cliCam(photo, "GradCAM"))).isLessThan(1e-6);
        // identical requests give identical maps; PNG format gives data URLs
        assertThat(JSON.readTree(post(explainJson(photo, "\"GradCAM\", \"EigenCAM\"", "")).body()).get("cams"))
                .isEqualTo(body.get("cams"));
        JsonNode png = JSON.readTree(post(explainJson(photo, "\"GradCAM\"", "").replace("\"npy\"", "\"png\"")).body());
        assertThat(png.get("cams").get("GradCAM").asText()).startsWith("data:image/png;base64,");
        // PNG and JPEG: the bytes cam explain writes with --format png and jpg
        String jpeg = JSON.readTree(post(explainJson(photo, "\"GradCAM\"", "").replace("\"npy\"", "\"jpg\""))
                .body()).get("cams").get("GradCAM").asText();
        assertThat(jpeg).startsWith("data:image/jpeg;base64,");
        assertThat(dataUrlBytes(jpeg)).isEqualTo(cliOverlay(photo, "GradCAM", "jpg"));
        assertThat(dataUrlBytes(png.get("cams").get("GradCAM").asText()))
                .isEqualTo(cliOverlay(photo, "GradCAM", "png"));

        // multipart
        String boundary = "cam4jBoundary";
        byte[] image = Files.readAllBytes(photo);
        var bytes = new java.io.ByteArrayOutputStream();
        bytes.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        bytes.write(image);
        bytes.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"methods\"\r\n\r\nGradCAM\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nnpy\r\n--" + boundary
                + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> multi = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/explain")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(multi.statusCode()).as(multi.body()).isEqualTo(200);
        assertThat(npy(JSON.readTree(multi.body()).get("cams").get("GradCAM").asText()).maxAbsDiff(
                npy(body.get("cams").get("GradCAM").asText()))).isZero();
    }

    @Test
    void everyTargetOfARequestHasItsOwnMapsAndMetrics() throws Exception {
        start(new CamServer.Limits(8, 120, 1 << 20, 10_000_000));
        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 5, 24, 20);
        HttpResponse<String> r = post(explainJson(photo, "\"GradCAM\", \"EigenCAM\"",
                ", \"targets\": [\"1\", \"3\"], \"metrics\": [\"Complexity\"]"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        JsonNode targets = body.get("targets");
        assertThat(targets).hasSize(2);
        // the first target's maps are also the answer's own, as for a request with one target
        assertThat(body.get("target").asText()).isEqualTo("1");
        assertThat(targets.get(0).get("cams")).isEqualTo(body.get("cams"));
        assertThat(targets.get(0).get("metrics")).isEqualTo(body.get("metrics"));
        Path out = dir.resolve("cli-targets");
        CliRun cli = CliRun.of("explain", "--model", model.toString(), "--layer", "block_out", "--image",
                photo.toString(), "--method", "GradCAM", "--class", "1,3", "--out", out.toString(), "--save-npy");
        assertThat(cli.exit()).as(cli.err()).isZero();
        for (int k = 0; k < 2; k++) {
            String cls = k == 0 ? "1" : "3";
            JsonNode t = targets.get(k);
            assertThat(t.get("target").asText()).isEqualTo(cls);
            Tensor served = npy(t.get("cams").get("GradCAM").asText());
            Tensor explained = org.cam4j.tensor.Npy.read(out.resolve(OutputNames.base(photo) + ".GradCAM." + cls
                    + ".npy"));
            assertThat(served.maxAbsDiff(explained)).as("class " + cls).isLessThan(1e-6);
            assertThat(t.get("metrics").get("GradCAM").get("Complexity").asDouble()).isPositive();
        }
        // the two classes' GradCAM maps differ; EigenCAM reads no target, so its maps are equal
        assertThat(targets.get(1).get("cams").get("GradCAM")).isNotEqualTo(targets.get(0).get("cams").get("GradCAM"));
        assertThat(targets.get(1).get("cams").get("EigenCAM")).isEqualTo(targets.get(0).get("cams").get("EigenCAM"));
        // one target: no list
        assertThat(JSON.readTree(post(explainJson(photo, "\"GradCAM\"", ", \"targets\": [\"3\"]")).body())
                .has("targets")).isFalse();
    }

    @Test
    void metricsAreCamEvaluatesNumbersForEachMethod() throws Exception {
        start(new CamServer.Limits(8, 120, 1 << 20, 10_000_000));
        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 5, 24, 20);
        HttpResponse<String> r = post(explainJson(photo, "\"GradCAM\", \"EigenCAM\"", ", \"metrics\": [\"all\"]"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode served = JSON.readTree(r.body()).get("metrics");
        CliRun cli = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                photo.toString(), "--method", "GradCAM", "EigenCAM", "--json");
        assertThat(cli.exit()).as(cli.err()).isZero();
        JsonNode evaluated = JSON.readTree(cli.out()).get("metrics");
        List<String> names = new ArrayList<>();
        evaluated.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("ROADCombined", "DropInConfidence", "ROADMostRelevantFirst_p20")
                .doesNotContain("PointingGame");
        for (String metric : names) {
            for (String method : List.of("GradCAM", "EigenCAM")) {
                assertThat(served.get(method).get(metric).asDouble()).as(metric + " of " + method)
                        .isCloseTo(evaluated.get(metric).get(method).get(0).asDouble(),
                                org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        assertThat(served.get("GradCAM").size()).isEqualTo(names.size());
        // named metrics only; none: no table
        JsonNode two = JSON.readTree(post(explainJson(photo, "\"GradCAM\"",
                ", \"metrics\": [\"Complexity\", \"ROADCombined\"]")).body());
        assertThat(two.get("metrics").get("GradCAM").size()).isEqualTo(2);
        assertThat(JSON.readTree(post(explainJson(photo, "\"GradCAM\"", "")).body()).has("metrics")).isFalse();
        String[][] refused = {
            {"[\"PointingGame\"]", "PointingGame needs ground truth (object masks or boxes), which cam serve"},
            {"[\"NoSuchMetric\"]", "NoSuchMetric"},
        };
        for (String[] c : refused) {
            HttpResponse<String> bad = post(explainJson(photo, "\"GradCAM\"", ", \"metrics\": " + c[0]));
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("error").asText()).contains(c[1]);
        }
        HttpResponse<String> seed = post(explainJson(photo, "\"GradCAM\"",
                ", \"metrics\": [\"ROADCombined\"], \"options\": {\"seed\": 1.5}"));
        assertThat(seed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(seed.body()).get("error").asText()).contains("options.seed must be a whole number");
    }

    @Test
    void badInputGetsJsonErrors() throws Exception {
        start(new CamServer.Limits(8, 60, 200_000, 10_000_000));
        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 3, 24, 20);
        Path notImage = Files.writeString(dir.resolve("x.png"), "not an image");
        Path huge = Files.write(dir.resolve("huge.png"), java.util.HexFormat.of().parseHex(
                "89504e470d0a1a0a0000000d494844520000753000007530080200000034ce0d33"));
        String[][] cases = {
            {explainJson(notImage, "\"GradCAM\"", ""), "400", "cannot read image"},
            {explainJson(huge, "\"GradCAM\"", ""), "400", "above the limit"},
            {explainJson(photo, "\"NoSuchCAM\"", ""), "400", "unknown method 'NoSuchCAM'"},
            {explainJson(photo, "\"GradCAM\"", "").replace("block_out", "nope"), "400", "unknown layer 'nope'"},
            {"{bad json", "400", "malformed JSON body"},
            {"{\"methods\": [\"GradCAM\"]}", "400", "no image"},
            {explainJson(photo, "\"GradCAM\"", "").replace("\"npy\"", "\"gif\""), "400", "unknown format"},
            {"{\"image\": \"" + "A".repeat(300_000) + "\"}", "413", "larger than the limit"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(c[0]);
            assertThat(r.statusCode()).as(c[2] + ": " + r.body()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains(c[2]).doesNotContain("\tat ");
        }
    }

    @Test
    void twentyConcurrentRequestsEachGetTheirOwnMaps() throws Exception {
        start(new CamServer.Limits(32, 120, 1 << 20, 10_000_000));
        List<Path> photos = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path p = CliTestFiles.photo(dir.resolve("p" + i + ".png"), 100 + i, 18 + i % 5, 20);
            photos.add(p);
            responses.add(http.sendAsync(explainRequest(explainJson(p, "\"GradCAM\"", "")),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = responses.get(i).get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Tensor served = npy(JSON.readTree(r.body()).get("cams").get("GradCAM").asText());
            assertThat(served.maxAbsDiff(cliCam(photos.get(i), "GradCAM"))).as("image %d", i).isLessThan(1e-6);
        }
    }

    @Test
    void aFullQueueIsBusyASlowRequestTimesOutAndCancelWorks() throws Exception {
        start(new CamServer.Limits(1, 1, 1 << 20, 10_000_000));
        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 3, 24, 20);
        // the timeout: 1 s for a method that takes 3 s
        HttpResponse<String> slow = post(explainJson(photo, "\"TestSleepCAM\"", ", \"options\": {\"millis\": 3000}"));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
        // busy: workers (one per core) and the queue of one are taken by slow requests; more get 503
        List<CompletableFuture<HttpResponse<String>>> many = new ArrayList<>();
        for (int i = 0; i < Limits.cores() + 4; i++) {
            many.add(http.sendAsync(explainRequest(explainJson(photo, "\"TestSleepCAM\"",
                    ", \"options\": {\"millis\": 600}")), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> codes = new ArrayList<>();
        for (var f : many) {
            codes.add(f.get().statusCode());
        }
        assertThat(codes).contains(503);
        // cancel: a running request, by its id
        CompletableFuture<HttpResponse<String>> running = http.sendAsync(explainRequest(explainJson(photo,
                "\"TestSleepCAM\"", ", \"options\": {\"millis\": 900}, \"request_id\": \"job-7\"")),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> progress = null;
        for (int i = 0; i < 50 && (progress == null || progress.statusCode() != 200); i++) {
            Thread.sleep(20);
            progress = get("/api/requests/job-7");
        }
        assertThat(JSON.readTree(progress.body()).get("total").asInt()).isEqualTo(1);
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/requests/job-7"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> cancelled = running.get();
        assertThat(cancelled.statusCode()).as(cancelled.body()).isIn(409, 504);
        assertThat(cancelled.body()).contains("cancel");
    }

    @Test
    void aRequestIdInUseIsRefusedAndTheFirstRequestKeepsIt() throws Exception {
        start(new CamServer.Limits(4, 60, 1 << 20, 10_000_000));
        Path photo = CliTestFiles.photo(dir.resolve("photo.png"), 3, 24, 20);
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(explainRequest(explainJson(photo,
                "\"TestSleepCAM\"", ", \"options\": {\"millis\": 3000}, \"request_id\": \"dup\"")),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> progress = null;
        // until the first request runs (a loaded machine may take a while to start it); then it sleeps 3 s
        for (int i = 0; i < 500 && (progress == null || progress.statusCode() != 200); i++) {
            Thread.sleep(20);
            progress = get("/api/requests/dup");
        }
        assertThat(progress.statusCode()).isEqualTo(200);
        HttpResponse<String> second = post(explainJson(photo, "\"GradCAM\"", ", \"request_id\": \"dup\""));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.body()).contains("request_id 'dup' belongs to a request still running");
        assertThat(get("/api/requests/dup").statusCode()).as("the first request is still known").isEqualTo(200);
        assertThat(first.get().statusCode()).isEqualTo(200);
    }
}
