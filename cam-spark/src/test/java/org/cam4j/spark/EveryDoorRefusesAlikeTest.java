package org.cam4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table of bad requests through every door: {@code cam explain} (or {@code cam evaluate}) on the command line,
 * a batch YAML run locally, the same YAML as a Spark job ({@code cam batch --spark}, found by the CLI as a plugin),
 * and {@code cam serve}'s HTTP API. Each door must refuse each request (exit 2, or HTTP 400) with the same message
 * but for the door's name of the field, and write nothing. A door that cannot express a request skips it
 * ({@code null}): a server request names no model file, output folder or preprocessing.
 */
class EveryDoorRefusesAlikeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path photo;
    static ExplainableModel served;
    static CamServer server;

    /**
     * A bad request as each door writes it. {@code cli}: the command line after {@code cam}, with {PHOTO} and {OUT};
     * {@code yaml}: lines added to a run of GradCAM over the photo (which they may replace: methods, images,
     * output); {@code json}: fields of an HTTP explain request beside the photo; {@code message}: what every door's
     * one line must contain.
     */
    private record Bad(String what, List<String> cli, String yaml, String json, String message) {
        boolean sparkToo() {
            return yaml != null && !yaml.contains("output: hdfs");
        }
    }

    private static List<String> explain(String... extra) {
        return command(List.of("explain", "--image", "{PHOTO}", "--out", "{OUT}"), extra);
    }

    private static List<String> evaluate(String... extra) {
        return command(List.of("evaluate", "--image", "{PHOTO}", "--metric", "ROADMostRelevantFirst", "--out",
            "{OUT}"), extra);
    }

    private static List<String> command(List<String> head, String... extra) {
        List<String> args = new ArrayList<>(head);
        args.addAll(List.of(extra));
        return args;
    }

    private static final String EVALUATE = "evaluate: {metrics: [ROADMostRelevantFirst], ";

    static Stream<Bad> table() {
        return Stream.of(
            new Bad("unknown output format", explain("--format", "gif"), "formats: [gif]", "\"format\": \"gif\"",
                "unknown format 'gif'; use png"),
            new Bad("unknown method", explain("--method", "Nope"), "methods: [Nope]", "\"methods\": [\"Nope\"]",
                "unknown method 'Nope'"),
            new Bad("one unknown method among known ones", explain("--method", "GradCAM", "Nope"),
                "methods: [GradCAM, Nope]", "\"methods\": [\"GradCAM\", \"Nope\"]", "unknown method 'Nope'"),
            new Bad("unknown layer", explain("--layer", "nosuch"), "models: [{name: m, layers: [nosuch]}]",
                "\"layers\": [\"nosuch\"]", "unknown layer 'nosuch'"),
            new Bad("class out of range", explain("--class", "99"), "targets: {classes: ['99']}",
                "\"targets\": [\"99\"]", "class 99 is outside the model's 10 outputs"),
            new Bad("negative class", explain("--class", "-1"), "targets: {classes: ['-1']}",
                "\"targets\": [\"-1\"]", "class '-1' is not a valid class index"),
            new Bad("class index too large for an int", explain("--class", "99999999999"),
                "targets: {classes: ['99999999999']}", "\"targets\": [\"99999999999\"]",
                "class '99999999999' is not a valid class index"),
            new Bad("unknown class label", explain("--class", "zebra"), "targets: {classes: [zebra]}",
                "\"targets\": [\"zebra\"]", "unknown class 'zebra'; not in the labels file"),
            new Bad("unknown target type", explain("--target", "bogus:1"), "targets: {specs: ['bogus:1']}",
                "\"targets\": [\"bogus:1\"]", "unknown target type 'bogus'"),
            new Bad("typed target out of range", explain("--target", "softmax:42"),
                "targets: {specs: ['softmax:42']}", "\"targets\": [\"softmax:42\"]", "class 42 is outside"),
            new Bad("typed target with a bad number", explain("--target", "softmax:abc"),
                "targets: {specs: ['softmax:abc']}", "\"targets\": [\"softmax:abc\"]",
                "takes an integer class, got 'abc'"),
            new Bad("image weight above 1", explain("--image-weight", "2"), "image_weight: 2",
                "\"options\": {\"image_weight\": \"2\"}", "must be in [0, 1] (the photo's weight in the overlay), got 2.0"),
            new Bad("negative image weight", explain("--image-weight", "-0.5"), "image_weight: -0.5",
                "\"options\": {\"image_weight\": \"-0.5\"}", "must be in [0, 1] (the photo's weight in the overlay), got -0.5"),
            new Bad("batch size 0", explain("--batch-size", "0"), "methods: [{name: GradCAM, batch_size: '0'}]",
                "\"options\": {\"batch_size\": \"0\"}", "must be between 1 and 1024, got 0"),
            new Bad("batch size too large", explain("--batch-size", "5000"),
                "methods: [{name: GradCAM, batch_size: '5000'}]", "\"options\": {\"batch_size\": \"5000\"}",
                "must be between 1 and 1024, got 5000"),
            new Bad("batch size not a number", explain("--batch-size", "lots"),
                "methods: [{name: GradCAM, batch_size: lots}]", "\"options\": {\"batch_size\": \"lots\"}",
                "must be 'auto' or a whole number between 1 and 1024, got 'lots'"),
            new Bad("option no chosen method reads", explain("--option", "nope=1"),
                "methods: [{name: GradCAM, options: {nope: '1'}}]", "\"options\": {\"nope\": \"1\"}",
                "'nope' for GradCAM; these methods take no options"),
            new Bad("image weight not a number", null, null, "\"options\": {\"image_weight\": \"x\"}",
                "options.image_weight must be a number, got 'x'"),
            new Bad("smoothing flag neither true nor false", null, null, "\"options\": {\"aug_smooth\": \"maybe\"}",
                "options.aug_smooth must be true or false, got 'maybe'"),
            new Bad("a target file on a server", null, null, "\"targets\": [\"similarity:/etc/passwd\"]",
                "names a file to read, which a request may not"),
            new Bad("missing concept file", explain("--target", "similarity:/no/such/concept.npy"),
                "targets: {specs: ['similarity:/no/such/concept.npy']}", null,
                "cannot read /no/such/concept.npy: no such file"),
            new Bad("missing model file", explain("--model", "/no/such/model.onnx"),
                "models: [{name: m, path: /no/such/model.onnx}]", null, "model file /no/such/model.onnx does not exist"),
            new Bad("model path is a folder", explain("--model", "{DIR}"), "models: [{name: m, path: {DIR}}]", null,
                "is a folder; give the model file inside it"),
            new Bad("missing image", explain("--image", "/no/such/photo.png"),
                "images: [/no/such/photo.png]\nmethods: [GradCAM]", null, "/no/such/photo.png does not exist"),
            new Bad("too many threads", explain("--threads", "999"), "models: [{name: m, threads: 999}]", null,
                "must be between 0 (the runtime's default) and this machine's"),
            new Bad("output folder given as a URI", List.of("explain", "--image", "{PHOTO}", "--out",
                "hdfs://namenode:9000/cams"),
                "output: hdfs://namenode:9000/cams", null, "hdfs://namenode:9000/cams is a URI"),
            new Bad("resize to nothing", explain("--size", "0,0"),
                "models: [{name: m, preprocessing: {size: [0, 0]}}]", null,
                "must be between 1 and 8192 pixels a side, got 0,0"),
            new Bad("crop larger than the resized image", explain("--size", "32,32", "--crop", "40,40"),
                "models: [{name: m, preprocessing: {size: [32, 32], crop: [40, 40]}}]", null,
                "40,40 is larger than the resized image 32,32"),
            new Bad("zero pixel scale", explain("--scale", "0"), "models: [{name: m, preprocessing: {scale: 0}}]",
                null, "must be a positive number (1 for [0, 1] input, 255 for raw pixels), got 0.0"),
            new Bad("zero std", explain("--std", "0,1,1"), "models: [{name: m, preprocessing: {std: [0, 1, 1]}}]",
                null, "values must be positive"),
            new Bad("two mean values for RGB", explain("--mean", "0.5,0.5"),
                "models: [{name: m, preprocessing: {mean: [0.5, 0.5], std: [1, 1, 1]}}]", null,
                "take 3 values (R,G,B), got 2 and 3"),
            new Bad("ROAD percentile above 100", evaluate("--road-percentiles", "150"),
                EVALUATE + "road_percentiles: [150]}", null, "must lie strictly between 0 and 100, got 150.0"),
            new Bad("negative ROAD noise", evaluate("--road-noise", "-1"), EVALUATE + "road_noise: -1}", null,
                "must be a number >= 0 and at most 1.0, got -1.0"),
            new Bad("ROAD noise that drowns the image", evaluate("--road-noise", "1e30"), EVALUATE + "road_noise: 1e30}",
                null, "must be a number >= 0 and at most 1.0, got 1.0E30"),
            new Bad("unknown metric", evaluate("--metric", "Nope"), "evaluate: {metrics: [Nope]}", null,
                "unknown metric 'Nope'"),
            new Bad("a metric that reads ground truth, given none", evaluate("--metric", "PointingGame"),
                "evaluate: {metrics: [PointingGame]}", "\"metrics\": [\"PointingGame\"]",
                "PointingGame needs ground truth (object masks or boxes)"));
    }

    @BeforeAll
    static void start() throws Exception {
        photo = Files.copy(DefaultModel.image(), dir.resolve("photo.png"));
        Path model = DefaultModel.model();
        served = Backends.choose(model, null).open(model, ModelOptions.defaults());
        ModelSettings settings = ModelSettings.beside(model);
        server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("cifar", model, served, settings,
                Labels.read(model.resolveSibling(settings.labels())),
                PreprocessingRequest.NONE.resolve(settings, served, FieldNames.CLI, FieldNames.CLI))),
                new CamServer.Limits(4, 60, 1 << 22, 10_000_000));
    }

    @AfterAll
    static void stop() {
        server.close();
        served.close();
    }

    private record Refusal(int exit, String message) {
    }

    private static Refusal cli(List<String> args) {
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        return new Refusal(exit, err.toString().strip());
    }

    private static String fill(String text, Path out) {
        return text.replace("{PHOTO}", photo.toString()).replace("{OUT}", out.toString())
                .replace("{DIR}", dir.toString());
    }

    private static Path yaml(Bad bad, Path out, String name) throws Exception {
        String lines = fill(bad.yaml(), out);
        StringBuilder run = new StringBuilder();
        if (!lines.contains("output:")) {
            run.append("output: ").append(out).append('\n');
        }
        if (!lines.contains("images:")) {
            run.append("images: [").append(photo).append("]\n");
        }
        if (!lines.contains("methods:")) {
            run.append("methods: [GradCAM]\n");
        }
        return Files.writeString(dir.resolve(name), run.append(lines).append('\n').toString());
    }

    private static Refusal serve(String fields) throws Exception {
        String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(photo)) + "\", "
                + fields + "}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        String error = r.statusCode() == 200 ? "" : JSON.readTree(r.body()).path("error").asText();
        return new Refusal(r.statusCode(), error);
    }

    /** Nothing was written: the output folder is missing or holds no file. */
    private static void nothingWritten(SoftAssertions soft, Path out, String door, Bad bad) throws Exception {
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                soft.assertThat(files.filter(Files::isRegularFile).toList()).as(door + " wrote files for " + bad.what())
                        .isEmpty();
            }
        }
    }

    @Test
    void everyDoorRefusesEveryBadRequestWithTheSameMessageAndWritesNothing() throws Exception {
        List<Bad> rows = table().toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(30);
        SoftAssertions soft = new SoftAssertions();
        int row = 0;
        for (Bad bad : rows) {
            row++;
            if (bad.cli() != null) {
                Path out = dir.resolve("cli-" + row);
                Refusal r = cli(bad.cli().stream().map(a -> fill(a, out)).toList());
                soft.assertThat(r.exit()).as("CLI exit for " + bad.what() + ": " + r.message()).isEqualTo(2);
                soft.assertThat(r.message()).as("CLI, " + bad.what()).startsWith("cam: error: ").contains(bad.message())
                        .doesNotContain("\tat ");
                nothingWritten(soft, out, "the CLI", bad);
            }
            if (bad.yaml() != null) {
                Path out = dir.resolve("yaml-" + row);
                Path run = yaml(bad, out, "run-" + row + ".yaml");
                Refusal r = cli(List.of("batch", run.toString(), "--no-progress"));
                soft.assertThat(r.exit()).as("YAML exit for " + bad.what() + ": " + r.message()).isEqualTo(2);
                soft.assertThat(r.message()).as("YAML, " + bad.what()).startsWith("cam: error: ").contains(bad.message())
                        .doesNotContain("\tat ");
                nothingWritten(soft, out, "the batch YAML", bad);
            }
            if (bad.sparkToo()) {
                Path out = dir.resolve("spark-" + row);
                Path run = yaml(bad, out, "spark-" + row + ".yaml");
                Refusal r = cli(List.of("batch", run.toString(), "--spark", "--master", "local[1]", "--no-progress"));
                soft.assertThat(r.exit()).as("Spark exit for " + bad.what() + ": " + r.message()).isEqualTo(2);
                soft.assertThat(r.message()).as("Spark, " + bad.what()).contains("cam: error: ").contains(bad.message())
                        .doesNotContain("\tat ");
                nothingWritten(soft, out, "the Spark job", bad);
            }
            if (bad.json() != null) {
                Refusal r = serve(bad.json());
                soft.assertThat(r.exit()).as("HTTP status for " + bad.what() + ": " + r.message()).isEqualTo(400);
                soft.assertThat(r.message()).as("cam serve, " + bad.what()).contains(bad.message());
            }
        }
        soft.assertAll();
        // the server is still up and answers a good request
        assertThat(serve("\"methods\": [\"GradCAM\"]").exit()).isEqualTo(200);
    }
}
