package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch runs: outputs, a corrupt image, YAML errors, escaping the output folder, and resuming a killed run. */
class BatchCommandTest {
    @TempDir
    Path dir;

    private Path photos(int n, int size) throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (int i = 0; i < n; i++) {
            CliTestFiles.photo(photos.resolve(String.format("p%03d.png", i)), i, size, size);
        }
        return photos;
    }

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("run.yaml"), text);
    }

    @Test
    void runsModelsMethodsAndTargetsAndReportsACorruptImage() throws Exception {
        photos(3, 20);
        Files.writeString(dir.resolve("photos/broken.jpg"), "not a jpeg");
        CliTestFiles.cnn(dir);
        Path run = yaml("""
                output: out
                formats: [png, npy, json, html]
                models:
                  - {name: cnn, path: cnn.onnx, layers: [block_out]}
                methods: [GradCAM, {name: AblationCAM, batch_size: 4}]
                images: [photos/]
                targets: {top_k: 2}
                """);
        CliRun r = CliRun.of("batch", run.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(CamCli.PARTIAL_FAILURE);
        assertThat(r.err()).contains("broken.jpg");
        Path out = dir.resolve("out");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary).hasSize(4);
        assertThat(summary.findValuesAsText("error")).singleElement().asString().contains("broken.jpg");
        JsonNode first = java.util.stream.StreamSupport.stream(summary.spliterator(), false)
                .filter(n -> !n.has("error")).findFirst().orElseThrow();
        assertThat(first.get("cams")).hasSize(4);
        String png = first.get("cams").get(0).get("png").asText();
        assertThat(out.resolve(png)).isRegularFile();
        assertThat(out.resolve("report.html")).content().contains("<img src=\"cnn/p000.GradCAM.");
    }

    @Test
    void topClassRecordsCarryThePlainInferencesPredictionsAndMapsOfThatClass() throws Exception {
        photos(3, 20);
        CliTestFiles.cnn(dir);
        Path run = yaml("""
                output: out
                formats: [json]
                models: [{name: cnn, path: cnn.onnx, layers: [block_out]}]
                methods: [GradCAM, EigenCAM]
                images: [photos/]
                """);
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertThat(summary).hasSize(3);
        for (JsonNode record : summary) {
            // the predictions now come with the first method's pass: the same as a plain inference's
            CliRun plain = CliRun.of("explain", "--model", dir.resolve("cnn.onnx").toString(), "--layer", "block_out",
                    "--image", record.get("image").asText(), "--out", dir.resolve("plain").toString(), "--json");
            assertThat(plain.exit()).as(plain.err()).isZero();
            JsonNode expected = new ObjectMapper().readTree(plain.out()).get(0).get("predictions");
            JsonNode got = record.get("predictions");
            for (int k = 0; k < expected.size(); k++) {
                assertThat(got.get(k).get("class").asInt()).isEqualTo(expected.get(k).get("class").asInt());
                assertThat(got.get(k).get("probability").asDouble())
                        .isCloseTo(expected.get(k).get("probability").asDouble(), within(1e-6));
            }
            assertThat(record.get("cams")).hasSize(2).allSatisfy(cam ->
                    assertThat(cam.get("class").asInt()).isEqualTo(got.get(0).get("class").asInt()));
        }
    }

    @Test
    void aRunOfSeveralModelsRefusesAnUnusableOneBeforeExplainingAnything() throws Exception {
        photos(2, 20);
        CliTestFiles.cnn(dir);
        Path faces = org.cam4j.testdata.TestFiles.ultraface(dir);
        Path run = yaml("""
                output: out
                models:
                  - {name: cnn, path: cnn.onnx, layers: [block_out]}
                  - {name: faces, path: %s}
                methods: [GradCAM]
                images: [photos/]
                """.formatted(dir.relativize(faces)));
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("cam: error: " + run + ": model faces is an object detector")
                .endsWith("add 'task: detection' to the YAML to explain its detections").doesNotContain("\n");
        // the first model's images were not explained first
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("out"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void anEvaluateSectionAddsMetricsToRecordsAndReport() throws Exception {
        photos(2, 20);
        CliTestFiles.cnn(dir);
        Path run = yaml("""
                output: out
                models: [{name: cnn, path: cnn.onnx, layers: [block_out]}]
                methods: [GradCAM, RandomCAM]
                images: [photos/]
                evaluate: {metrics: [CamMultImageConfidenceChange, ROADMostRelevantFirst], road_noise: 0,
                           road_percentiles: [50]}
                """);
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        JsonNode metrics = summary.get(0).get("cams").get(0).get("metrics");
        assertThat(metrics.has("CamMultImageConfidenceChange")).isTrue();
        assertThat(metrics.has("ROADMostRelevantFirst_p50")).isTrue();
        assertThat(dir.resolve("out/report.html")).content().contains("ROADMostRelevantFirst_p50");
        Files.writeString(run, Files.readString(run).replace("ROADMostRelevantFirst", "PointingGame"));
        CliRun masks = CliRun.of("batch", run.toString(), "--out", dir.resolve("o2").toString());
        assertThat(masks.exit()).isEqualTo(2);
        assertThat(masks.err()).contains("PointingGame needs ground truth (object masks or boxes), which batch runs");
    }

    @Test
    void theShippedExampleRunsOnTheBundledModelAndPhotos() throws Exception {
        Path example = Path.of("..", "examples", "batch.yaml");
        CliRun r = CliRun.of("batch", example.toString(), "--out", dir.resolve("example").toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("example/summary.json").toFile());
        assertThat(summary.findValuesAsText("image")).anyMatch(i -> i.endsWith("cat.bmp"))
                .anyMatch(i -> i.endsWith("dog_cat.jfif")).anyMatch(i -> i.endsWith("horses.jpg"))
                .anyMatch(i -> i.endsWith("both.png"));
        assertThat(dir.resolve("example/report.html")).isRegularFile();
    }

    @Test
    void perImageTargetsFromACsv() throws Exception {
        photos(2, 20);
        CliTestFiles.cnn(dir);
        Files.writeString(dir.resolve("labels.txt"), "a\nb\nc\nd\ne\n");
        Files.writeString(dir.resolve("targets.csv"), "image,class\np000.png,c\np001.png,4\np001.png,a\n");
        Path run = yaml("""
                output: out
                models: [{name: cnn, path: cnn.onnx, labels: labels.txt}]
                methods: [LayerCAM]
                images: [photos/]
                targets: {csv: targets.csv}
                """);
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertThat(summary.get(0).get("cams").findValuesAsText("label")).containsExactly("c");
        assertThat(summary.get(1).get("cams").findValuesAsText("label")).containsExactly("e", "a");
        assertThat(dir.resolve("out/cnn/p001.LayerCAM.e.png")).isRegularFile();
    }

    @Test
    void yamlErrorsNameFileLineAndColumn() throws Exception {
        photos(1, 20);
        CliRun unknown = CliRun.of("batch", yaml("output: out\nmethods: [GradCAM]\nimages: [photos/]\nimgaes: x\n")
                .toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("run.yaml:4:").contains("imgaes");
        CliRun type = CliRun.of("batch", yaml("output: out\nmethods: [GradCAM]\nimages: [photos/]\n"
                + "targets: {top_k: many}\n").toString());
        assertThat(type.exit()).isEqualTo(2);
        assertThat(type.err()).contains("run.yaml:4:");
        assertThat(CliRun.of("batch", yaml("output: out\nmethods: [NoSuchCAM]\nimages: [photos/]\n").toString())
                .err()).contains("unknown method 'NoSuchCAM'");
    }

    @Test
    void nothingIsWrittenOutsideTheOutputFolder() throws Exception {
        photos(1, 20);
        CliTestFiles.cnn(dir);
        Path run = yaml("output: out\nmodels: [{name: ../../escape, path: cnn.onnx}]\nmethods: [GradCAM]\n"
                + "images: [photos/]\n");
        CliRun r = CliRun.of("batch", run.toString(), "--out", dir.resolve("elsewhere").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.toString().endsWith(".png") && !p.startsWith(dir.resolve("photos"))))
                    .allMatch(p -> p.startsWith(dir.resolve("elsewhere")));
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aKilledRunResumesWithNothingLostOrDuplicated() throws Exception {
        int images = 120;
        photos(images, 48);
        CliTestFiles.tokens(dir);
        Path run = yaml("""
                output: out
                formats: [png, json]
                models: [{name: tok, path: tokens.onnx, layers: [ln_1], preprocessing: {size: [16, 16]}}]
                methods: [GradCAM, {name: ScoreCAM, batch_size: 8}, {name: AblationCAM, batch_size: 8}]
                images: [photos/]
                """);
        Path done = dir.resolve("out/tok/.done");
        // killed, the child cannot clean up: whatever it leaves goes into this test's folder
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("child-tmp")), "-cp",
                System.getProperty("java.class.path"), CamCli.class.getName(), "batch", run.toString(), "--no-progress")
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && count(done) == 0 && p.isAlive()) {
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor();
        int finishedBeforeKill = count(done);
        assertThat(finishedBeforeKill).as("the run was killed mid-way").isBetween(1, images - 1);
        Map<Path, FileTime> before = new HashMap<>();
        try (Stream<Path> files = Files.list(done)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                before.put(f, Files.getLastModifiedTime(f));
            }
        }
        CliRun second = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(second.exit()).as(second.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        Set<String> seen = new HashSet<>();
        for (JsonNode rec : summary) {
            assertThat(seen.add(rec.get("image").asText())).as("no duplicate record").isTrue();
            for (JsonNode cam : rec.get("cams")) {
                assertThat(dir.resolve("out").resolve(cam.get("png").asText())).isRegularFile();
            }
        }
        assertThat(seen).hasSize(images);
        for (Map.Entry<Path, FileTime> e : before.entrySet()) {
            assertThat(Files.getLastModifiedTime(e.getKey())).as("finished work is not redone").isEqualTo(e.getValue());
        }
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".part"))).isEmpty();
        }
    }

    private static int count(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return (int) files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }
}
