package org.cam4j.spark;

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
import java.util.stream.Stream;
import org.cam4j.cli.CamCli;
import org.cam4j.cli.serve.CamServer;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.Labels;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same request through every door gives the same maps: the bundled model on a photo, a class target and two
 * methods (one with gradients, one of the activations alone), by {@code cam explain}, a batch YAML, the same YAML on
 * Spark and {@code cam serve}; the two batch doors also name their files alike. The same for a detector: the bundled
 * UltraFace's boxes and per-box maps by {@code cam detect}, a {@code task: detection} YAML, on Spark and by cam serve.
 */
class EveryDoorExplainsAlikeTest {
    private static final List<String> METHODS = List.of("GradCAM", "EigenCAM");

    @TempDir
    Path dir;

    private static void ok(String... args) {
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(args, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(f -> f.toString().endsWith(".npy")).map(root::relativize).sorted().toList();
        }
    }

    /**
     * One request as each door writes it: the command line's method flags, the YAML's {@code methods} value, the JSON
     * request's {@code methods} and {@code options} fields.
     */
    private record Request(String what, List<String> methods, List<String> cli, String yaml, String json) {
    }

    static Stream<Request> requests() {
        return Stream.of(
            new Request("a method with gradients and one of the activations alone", METHODS,
                List.of("--method", "GradCAM", "EigenCAM"), "[GradCAM, EigenCAM]",
                "\"methods\": [\"GradCAM\", \"EigenCAM\"]"),
            new Request("methods with their options, smoothed", List.of("FEM", "ScoreCAM"),
                List.of("--method", "FEM", "ScoreCAM", "--option", "k=1", "--batch-size", "16", "--eigen-smooth"),
                "[{name: FEM, options: {k: '1'}, batch_size: '16', eigen_smooth: true},"
                    + " {name: ScoreCAM, batch_size: '16', eigen_smooth: true}]",
                "\"methods\": [\"FEM\", \"ScoreCAM\"], \"options\": {\"k\": \"1\", \"batch_size\": \"16\","
                    + " \"eigen_smooth\": \"true\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void cliYamlSparkAndServerGiveTheSameMaps(Request request) throws Exception {
        Path photo = Files.copy(DefaultModel.image(), dir.resolve("photo.png"));
        List<String> cliArgs = new java.util.ArrayList<>(List.of("explain", "--image", photo.toString()));
        cliArgs.addAll(request.cli());
        cliArgs.addAll(List.of("--class", "3", "--save-npy", "--out", dir.resolve("cli").toString()));
        ok(cliArgs.toArray(String[]::new));
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nimages: [photo.png]\n"
                + "methods: " + request.yaml() + "\ntargets: {classes: [cat]}\nformats: [npy, json]\n");
        ok("batch", run.toString(), "--out", dir.resolve("yaml").toString(), "--no-progress");
        ok("batch", run.toString(), "--out", dir.resolve("spark").toString(), "--spark", "--master", "local[1]",
            "--no-progress");
        assertThat(files(dir.resolve("spark"))).as("the Spark job names its files as the local run")
                .isEqualTo(files(dir.resolve("yaml"))).hasSize(2);

        Path model = DefaultModel.model();
        ModelSettings settings = ModelSettings.beside(model);
        JsonNode served;
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cifar", model, opened,
                     settings, Labels.read(model.resolveSibling(settings.labels())),
                     PreprocessingRequest.NONE.resolve(settings, opened, FieldNames.CLI, FieldNames.CLI))),
                     new CamServer.Limits(4, 60, 1 << 22, 10_000_000))) {
            String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                    + "\", " + request.json() + ", \"targets\": [\"cat\"], \"format\": \"npy\"}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            served = new ObjectMapper().readTree(r.body());
        }
        String modelFolder = files(dir.resolve("yaml")).get(0).getName(0).toString();
        for (String method : request.methods()) {
            Tensor cli = Npy.read(dir.resolve("cli").resolve("photo." + method + ".npy"));
            Tensor yaml = Npy.read(dir.resolve("yaml").resolve(modelFolder).resolve("photo." + method + ".cat.npy"));
            Tensor spark = Npy.read(dir.resolve("spark").resolve(modelFolder).resolve("photo." + method + ".cat.npy"));
            Path npy = Files.write(dir.resolve("served." + method + ".npy"),
                    Base64.getDecoder().decode(served.get("cams").get(method).asText()));
            Tensor server = Npy.read(npy);
            assertThat(cli.max()).as(method + " map is not blank").isGreaterThan(0.5f);
            assertThat(yaml.maxAbsDiff(cli)).as(method + ": YAML vs CLI").isLessThanOrEqualTo(1e-6f);
            assertThat(spark.maxAbsDiff(cli)).as(method + ": Spark vs CLI").isLessThanOrEqualTo(1e-6f);
            assertThat(server.maxAbsDiff(cli)).as(method + ": cam serve vs CLI").isLessThanOrEqualTo(1e-6f);
        }
    }

    @Test
    void aDetectorGivesTheSameBoxesAndPerBoxMapsThroughEveryDoor() throws Exception {
        Path model = org.cam4j.testdata.TestFiles.ultraface(dir);
        Path photo = model.resolveSibling("1.jpg");
        StringWriter printed = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"detect", "--model", model.toString(), "--image", photo.toString(),
            "--method", "HiResCAM", "EigenCAM", "--per-box", "--score-threshold", "0.95", "--save-npy", "--json",
            "--out", dir.resolve("cli").toString()}, new PrintWriter(printed, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        JsonNode cli = new ObjectMapper().readTree(printed.toString()).get("images").get(0).get("detections");
        assertThat(cli.size()).as("faces above 0.95").isGreaterThan(5);

        Path run = Files.writeString(dir.resolve("detect.yaml"), String.join("\n", "output: out",
                "formats: [npy, json]", "task: detection", "detection: {score_threshold: 0.95, per_box: true}",
                "models: [{name: faces, path: " + dir.relativize(model) + "}]", "methods: [HiResCAM, EigenCAM]",
                "images: [" + dir.relativize(photo) + "]", ""));
        ok("batch", run.toString(), "--out", dir.resolve("yaml").toString(), "--no-progress");
        ok("batch", run.toString(), "--out", dir.resolve("spark").toString(), "--spark", "--master", "local[1]",
            "--no-progress");
        assertThat(files(dir.resolve("spark"))).as("the Spark job names its files as the local run")
                .isEqualTo(files(dir.resolve("yaml"))).hasSize(cli.size() + 1);

        ModelSettings settings = ModelSettings.beside(model);
        JsonNode served;
        try (org.cam4j.engine.DetectorOpening.Opened opened = org.cam4j.engine.DetectorOpening.open(extra ->
                Backends.choose(model, null).open(model, new ModelOptions("cpu", 0, null, true, extra)), model, "auto");
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("faces", model,
                     opened.model(), settings, settings.labels(model),
                     org.cam4j.engine.DetectorOpening.preprocessing(PreprocessingRequest.NONE, settings, opened.model(),
                             opened.outputs().layout(), FieldNames.CLI, FieldNames.CLI), opened.outputs().layout())),
                     new CamServer.Limits(4, 120, 1 << 23, 10_000_000))) {
            String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                    + "\", \"methods\": [\"HiResCAM\", \"EigenCAM\"], \"format\": \"npy\","
                    + " \"options\": {\"score_threshold\": \"0.95\"}}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            served = new ObjectMapper().readTree(r.body());
        }
        JsonNode record = new ObjectMapper().readTree(dir.resolve("yaml/faces/.done/1.json").toFile());
        assertThat(served.get("detections").size()).isEqualTo(cli.size());
        assertThat(record.get("detections").size()).isEqualTo(cli.size());
        for (int k = 0; k < cli.size(); k++) {
            assertThat(served.get("detections").get(k).get("box")).as("box " + k).isEqualTo(cli.get(k).get("box"));
            assertThat(record.get("detections").get(k).get("box")).as("box " + k).isEqualTo(cli.get(k).get("box"));
            String name = "1.HiResCAM.box" + k + ".npy";
            Tensor mine = Npy.read(dir.resolve("cli").resolve(name));
            Tensor yaml = Npy.read(dir.resolve("yaml/faces").resolve(name));
            Tensor spark = Npy.read(dir.resolve("spark/faces").resolve(name));
            Tensor server = Npy.read(Files.write(dir.resolve("served" + k + ".npy"), Base64.getDecoder().decode(
                    served.get("detections").get(k).get("cams").get("HiResCAM").asText())));
            assertThat(yaml.maxAbsDiff(mine)).as(name + ": YAML vs CLI").isLessThanOrEqualTo(1e-6f);
            assertThat(spark.maxAbsDiff(mine)).as(name + ": Spark vs CLI").isLessThanOrEqualTo(1e-6f);
            assertThat(server.maxAbsDiff(mine)).as(name + ": cam serve vs CLI").isLessThanOrEqualTo(1e-6f);
        }
        Tensor eigen = Npy.read(dir.resolve("cli/1.EigenCAM.npy"));
        assertThat(Npy.read(dir.resolve("yaml/faces/1.EigenCAM.npy")).maxAbsDiff(eigen)).isLessThanOrEqualTo(1e-6f);
        assertThat(Npy.read(dir.resolve("spark/faces/1.EigenCAM.npy")).maxAbsDiff(eigen)).isLessThanOrEqualTo(1e-6f);
        assertThat(Npy.read(Files.write(dir.resolve("served-eigen.npy"), Base64.getDecoder().decode(
                served.get("cams").get("EigenCAM").asText()))).maxAbsDiff(eigen)).isLessThanOrEqualTo(1e-6f);
    }
}
