package org.cam4j.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.cam4j.cli.CliRun;
import org.cam4j.cli.CliTestFiles;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.Labels;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cam serve explains a segmenter as cam segment does: the same class, mask and maps. */
class ServeSegmenterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Tensor npy(String base64, Path dir) throws Exception {
        Path f = Files.write(dir.resolve("x" + System.nanoTime() + ".npy"), Base64.getDecoder().decode(base64));
        return Npy.read(f);
    }

    @Test
    void aSegmenterAnswersItsMaskAndMapsAsCamSegmentWritesThem() throws Exception {
        Path model = Files.write(dir.resolve("seg.onnx"), SyntheticModels.segmenter(11, 3).toByteArray());
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 4, 20, 24);
        CliRun cli = CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--class", "2", "--method", "GradCAM", "--save-npy", "--json",
                "--out", dir.resolve("cli").toString());
        assertThat(cli.exit()).as(cli.err()).isZero();
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("seg", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(4, 60, 1 << 22, 10_000_000))) {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode models = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/api/models")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(models.get(0).get("task").asText()).isEqualTo("segmentation");
            assertThat(models.get(0).get("labels")).hasSize(3);
            String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                    + "\", \"methods\": [\"GradCAM\"], \"layers\": [\"" + SyntheticModels.SEGMENTER_LAYER
                    + "\"], \"targets\": [\"2\"], \"format\": \"npy\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/explain")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.get("task").asText()).isEqualTo("segmentation");
            assertThat(answer.get("class").asInt()).isEqualTo(2);
            Tensor mask = npy(answer.get("mask").asText(), dir);
            Tensor map = npy(answer.get("cams").get("GradCAM").asText(), dir);
            assertThat(mask.maxAbsDiff(Npy.read(dir.resolve("cli/p.mask.npy")))).isZero();
            assertThat(map.maxAbsDiff(Npy.read(dir.resolve("cli/p.GradCAM.npy")))).isLessThan(1e-6);
            // a class the model does not have is a 400
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/api/explain")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("[\"2\"]", "[\"9\"]"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            // one class per request: a second target is refused, not ignored
            HttpResponse<String> two = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/api/explain")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("[\"2\"]", "[\"2\", \"1\"]"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(two.statusCode()).as(two.body()).isEqualTo(400);
            assertThat(JSON.readTree(two.body()).get("error").asText()).contains("takes one target");
        }
    }
}
