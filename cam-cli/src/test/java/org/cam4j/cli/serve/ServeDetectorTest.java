package org.cam4j.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.cam4j.cli.CamCli;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.Labels;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cam serve explains an object detector as cam detect does: the same boxes, and the same map for each box. */
class ServeDetectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBundledFaceDetectorGivesCamDetectsBoxesAndPerBoxMaps() throws Exception {
        Path model = TestFiles.ultraface(dir);
        Path photo = model.resolveSibling("1.jpg");
        Path out = dir.resolve("detect");
        StringWriter printed = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"detect", "--model", model.toString(), "--image", photo.toString(),
            "--method", "HiResCAM", "EigenCAM", "--per-box", "--score-threshold", "0.9", "--batch-size", "8",
            "--save-npy", "--json",
            "--out", out.toString()}, new PrintWriter(printed, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        JsonNode cli = JSON.readTree(printed.toString()).get("images").get(0);

        ModelSettings settings = ModelSettings.beside(model);
        JsonNode served;
        try (DetectorOpening.Opened opened = DetectorOpening.open(extra -> Backends.choose(model, null).open(model,
                new ModelOptions("cpu", 0, null, true, extra)), model, "auto");
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("faces", model,
                     opened.model(), settings, Labels.read(model.resolveSibling("labels.txt")),
                     DetectorOpening.preprocessing(PreprocessingRequest.NONE, settings, opened.model(),
                             opened.outputs().layout(), FieldNames.CLI, FieldNames.CLI), opened.outputs().layout())),
                     new CamServer.Limits(4, 120, 1 << 23, 10_000_000))) {
            String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                    + "\", \"methods\": [\"HiResCAM\", \"EigenCAM\"], \"format\": \"npy\","
                    + " \"options\": {\"score_threshold\": \"0.9\", \"batch_size\": \"8\"}}";
            served = explain(server, body);
            // what a detector takes is the engine's rule, as a batch YAML refuses it (DetectCommandTest)
            assertThat(refusal(server, body.replace("\"format\"", "\"targets\": [\"face\"], \"format\"")))
                    .isEqualTo("targets: a detector takes no targets; every detection is explained");
            assertThat(refusal(server, body.replace("\"format\"", "\"metrics\": [\"ROADCombined\"], \"format\"")))
                    .isEqualTo("metrics: a detector takes no metrics; they read class scores");
            assertThat(JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/api/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get(0).get("task").asText()).isEqualTo("detection");
        }

        JsonNode boxes = served.get("detections");
        assertThat(boxes.size()).as("faces found").isGreaterThan(10).isEqualTo(cli.get("detections").size());
        for (int k = 0; k < boxes.size(); k++) {
            JsonNode mine = boxes.get(k);
            JsonNode theirs = cli.get("detections").get(k);
            assertThat(mine.get("label").asText()).isEqualTo(theirs.get("label").asText());
            assertThat(mine.get("score").asDouble()).isEqualTo(theirs.get("score").asDouble());
            assertThat(mine.get("box")).isEqualTo(theirs.get("box"));
            Tensor map = npy(mine.get("cams").get("HiResCAM").asText());
            Tensor written = Npy.read(out.resolve("1.HiResCAM.box" + k + ".npy"));
            assertThat(map.maxAbsDiff(written)).as("box " + k + " map").isLessThanOrEqualTo(1e-6);
        }
        assertThat(npy(served.get("cams").get("EigenCAM").asText()).maxAbsDiff(Npy.read(out.resolve(
                "1.EigenCAM.npy")))).as("EigenCAM, one map for all boxes").isLessThanOrEqualTo(1e-6);
    }

    /**
     * A detector exported as torchvision's are (one unbatched image, its own post-processing, boxes, scores and int64
     * labels) is served as cam detect explains it: the same detections, the same map for each.
     */
    @Test
    void aTorchvisionExportGivesCamDetectsBoxesAndPerBoxMaps() throws Exception {
        Path model = dir.resolve("torchvision.onnx");
        Files.write(model, org.cam4j.testdata.SyntheticDetectors.torchvision(11).toByteArray());
        Path photo = TestFiles.ultraface(dir).resolveSibling("2.jpg");
        Path out = dir.resolve("detect-tv");
        StringWriter printed = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"detect", "--model", model.toString(), "--image", photo.toString(),
            "--method", "HiResCAM", "--per-box", "--score-threshold", "0", "--layer", "p3", "--save-npy", "--json",
            "--out", out.toString()}, new PrintWriter(printed, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        JsonNode cli = JSON.readTree(printed.toString()).get("images").get(0);
        JsonNode served;
        try (DetectorOpening.Opened opened = DetectorOpening.open(extra -> Backends.choose(model, null).open(model,
                new ModelOptions("cpu", 0, null, true, extra)), model, "auto");
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("tv", model,
                     opened.model(), ModelSettings.beside(model), Labels.none(),
                     DetectorOpening.preprocessing(PreprocessingRequest.NONE, ModelSettings.beside(model),
                             opened.model(), opened.outputs().layout(), FieldNames.CLI, FieldNames.CLI), opened.outputs().layout())),
                     new CamServer.Limits(4, 120, 1 << 23, 10_000_000))) {
            assertThat(opened.outputs().layout().kind()).isEqualTo(org.cam4j.detection.DetectionLayout.Kind.TORCHVISION);
            String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                    + "\", \"methods\": [\"HiResCAM\"], \"layers\": [\"p3\"], \"format\": \"npy\","
                    + " \"options\": {\"score_threshold\": \"0\"}}";
            served = explain(server, body);
            // what a detector takes is the engine's rule, as a batch YAML refuses it (DetectCommandTest)
            assertThat(refusal(server, body.replace("\"format\"", "\"targets\": [\"face\"], \"format\"")))
                    .isEqualTo("targets: a detector takes no targets; every detection is explained");
            assertThat(refusal(server, body.replace("\"format\"", "\"metrics\": [\"ROADCombined\"], \"format\"")))
                    .isEqualTo("metrics: a detector takes no metrics; they read class scores");
        }
        JsonNode boxes = served.get("detections");
        assertThat(boxes.size()).as("detections").isGreaterThan(1).isEqualTo(cli.get("detections").size());
        for (int k = 0; k < boxes.size(); k++) {
            assertThat(boxes.get(k).get("box")).isEqualTo(cli.get("detections").get(k).get("box"));
            Tensor map = npy(boxes.get(k).get("cams").get("HiResCAM").asText());
            assertThat(map.maxAbsDiff(Npy.read(out.resolve("2.HiResCAM.box" + k + ".npy")))).as("box " + k + " map")
                    .isLessThanOrEqualTo(1e-6);
        }
    }

    /** The server's answer to an explain request, which must succeed. */
    /** The one-line error of a request the server refuses with a 400. */
    private static String refusal(CamServer server, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        return JSON.readTree(r.body()).get("error").asText();
    }

    private static JsonNode explain(CamServer server, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private Tensor npy(String base64) throws Exception {
        Path f = Files.createTempFile(dir, "served", ".npy");
        Files.write(f, Base64.getDecoder().decode(base64));
        return Npy.read(f);
    }
}
