package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command end to end, on the bundled default and the generated models. */
class CamCliTest {
    @TempDir
    Path dir;

    @Test
    void theCacheIsShownClearedAndSkippedOnRequest() throws Exception {
        String before = System.getProperty("cam4j.cache");
        Path cache = dir.resolve("cache");
        System.setProperty("cam4j.cache", cache.toString());
        try {
            CliRun first = CliRun.of("explain", "--timings", "--out", dir.resolve("c1").toString());
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(java.nio.file.Files.list(cache.resolve("shape-facts")).count()).isEqualTo(1);
            assertThat(java.nio.file.Files.list(cache.resolve("graphs")).count()).as("the optimised gradient graph")
                    .isEqualTo(1);
            CliRun shown = CliRun.of("cache");
            assertThat(shown.out()).contains(cache.toString()).contains("2 file(s)");
            CliRun without = CliRun.of("explain", "--no-cache", "--out", dir.resolve("c2").toString());
            assertThat(without.exit()).as(without.err()).isZero();
            assertThat(System.getProperty("cam4j.cache")).as("--no-cache lasts one run").isEqualTo(cache.toString());
            CliRun cleared = CliRun.of("cache", "clear");
            assertThat(cleared.exit()).isZero();
            assertThat(cleared.out()).contains("cleared " + cache);
            assertThat(java.nio.file.Files.exists(cache)).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty("cam4j.cache");
            } else {
                System.setProperty("cam4j.cache", before);
            }
        }
    }

    @Test
    void verboseSaysWhatTheRunChoseAndWhy() {
        CliRun r = CliRun.of("explain", "--verbose", "--out", dir.resolve("v").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("cam: debug: layers [activation_6]: from the model's YAML")
                .contains("cam: debug: preprocessing 32 x 32").contains("cam: debug: shape facts of");
        CliRun quiet = CliRun.of("explain", "--out", dir.resolve("q").toString());
        assertThat(quiet.err()).doesNotContain("debug");
    }

    @Test
    void aMistypedOptionOrCommandGetsSuggestions() {
        CliRun option = CliRun.of("explain", "--layr", "x");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.err().strip().lines()).hasSize(1);
        assertThat(option.err()).contains("did you mean").contains("--layer");
        CliRun command = CliRun.of("explian");
        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.err()).contains("did you mean").contains("explain");
    }

    @Test
    void theCompletionScriptKnowsEveryCommandAndItsOptions() {
        CliRun r = CliRun.of("completion");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("complete -F").contains("explain").contains("segment").contains("serve")
                .contains("--concept-image").contains("--score-threshold");
    }

    @Test
    void timingsSayWhereTheTimeWent() {
        CliRun r = CliRun.of("explain", "--timings", "--out", dir.resolve("timed").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("cam: timings").contains("JVM start to main").contains("read and parse the model")
                .contains("create ONNX Runtime sessions").contains("run ONNX Runtime")
                .contains("explain the first batch").contains("total since the JVM started");
        assertThat(r.out()).doesNotContain("timings");
    }

    @Test
    void bundledDemoWritesDogAndCatCams() {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("both.png: dog 0.5").contains("GradCAM for dog").contains("GradCAM for cat");
        assertThat(out.resolve("both.GradCAM.dog.png")).isRegularFile();
        assertThat(out.resolve("both.GradCAM.cat.png")).isRegularFile();
    }

    /** A class named twice, by index and by label, is explained once (it was computed and written twice). */
    @Test
    void aClassNamedTwiceIsExplainedOnce() {
        Path out = dir.resolve("twice");
        CliRun r = CliRun.of("explain", "--class", "5,dog,cat", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains("GradCAM for"))).containsExactly(
                "  GradCAM for dog -> " + out.resolve("both.GradCAM.dog.png"),
                "  GradCAM for cat -> " + out.resolve("both.GradCAM.cat.png"));
    }

    @Test
    void explainImagesWithSeveralMethodsNpyGuidedAndJson() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 1, 40, 30);
        CliTestFiles.photo(photos.resolve("b.png"), 2, 20, 20);
        Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\none\ntwo\nthree\nfour\n");
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--image", photos.toString(), "--method",
                "GradCAM", "scorecam", "--class", "two", "--labels", labels.toString(), "--save-npy", "--guided",
                "--out", out.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary).hasSize(2);
        assertThat(summary.get(0).get("target_label").asText()).isEqualTo("two");
        assertThat(summary.get(0).has("targetLabel")).as("snake_case as every other JSON of cam4j").isFalse();
        assertThat(summary.get(0).get("outputs").has("ScoreCAM")).isTrue();
        for (String f : new String[] {"a.GradCAM.png", "a.GradCAM.npy", "a.GradCAM_gb.png", "a.GradCAM_cam_gb.png",
            "b.ScoreCAM.png"}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        Tensor cam = Npy.read(out.resolve("a.GradCAM.npy"));
        assertThat(cam.shape()).containsExactly(16, 16);
        assertThat(cam.max()).isLessThanOrEqualTo(1f);
    }

    @Test
    void imagenetJsonLabelsNameClasses() throws Exception {
        Path labels = Files.writeString(dir.resolve("index.json"),
                "{\"0\": [\"n0\", \"tench\"], \"1\": [\"n1\", \"great_white_shark\"], \"2\": [\"n2\", \"goldfish\"],"
                        + " \"3\": [\"n3\", \"hen\"], \"4\": [\"n4\", \"ostrich\"]}");
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 3, 16, 16);
        CliRun r = CliRun.of("explain", "--model", CliTestFiles.cnn(dir).toString(), "--image", photo.toString(),
                "--class", "great white shark", "--labels", labels.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("GradCAM for great_white_shark");
    }

    @Test
    void grayscaleMnistModelsFromPhotos() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.cam4j.testdata.SharedData.fixtures().isPresent(),
                "../shared/fixtures not present");
        Path fixtures = org.cam4j.testdata.SharedData.fixtures().get();
        Path nine = fixtures.resolve("google-coral-test_data/mnist_nine.bmp");
        CliRun r = CliRun.of("explain", "--model", fixtures.resolve("Baskov-PyTorch-/mnist-8.onnx").toString(),
                "--image", nine.toString(), "--mean", "0.5", "--std", "0.5", "--top", "1", "--out",
                dir.resolve("m").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("mnist_nine.bmp: 9 ");
        CliRun fixed = CliRun.of("explain", "--model", fixtures.resolve("RuiyangJu-MNIST-CANVAS/model.onnx").toString(),
                "--image", nine.toString(), nine.toString(), "--top", "1", "--method", "GradCAMPlusPlus", "--out",
                dir.resolve("m2").toString());
        assertThat(fixed.exit()).as(fixed.err()).isZero();
        assertThat(fixed.out()).contains("mnist_nine.bmp: 9 ");
        assertThat(CliRun.of("explain", "--model", fixtures.resolve("Baskov-PyTorch-/mnist-8.onnx").toString(),
                "--image", nine.toString(), "--mean", "0.5,0.5,0.5").err()).contains("grayscale");
    }

    @Test
    void imageGlobsPickMatchingFilesOnly() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("g/sub"));
        CliTestFiles.photo(dir.resolve("g/a.png"), 1, 16, 16);
        CliTestFiles.photo(photos.resolve("b.png"), 2, 16, 16);
        Files.writeString(dir.resolve("g/notes.txt"), "not an image");
        CliRun r = CliRun.of("explain", "--model", CliTestFiles.cnn(dir).toString(), "--image",
                dir.resolve("g").toString() + "/**.png", "--out", dir.resolve("o").toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).findValuesAsText("image"))
                .hasSize(2).anyMatch(i -> i.endsWith("b.png"));
        assertThat(CliRun.of("explain", "--image", dir.resolve("g").toString() + "/*.jpg").err())
                .contains("no images found");
    }

    @Test
    void explainPreprocessedBatchToNpy() throws Exception {
        Path model = CliTestFiles.tokens(dir);
        Tensor x = Tensor.zeros(3, 3, 16, 16);
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) rnd.nextGaussian());
        }
        Path in = dir.resolve("x.npy");
        Npy.write(in, x);
        Path out = dir.resolve("cams.npy");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", in.toString(), "--method",
                "LayerCAM", "--layer", "ln_1", "--class", "1,2,3", "--save-npy", out.toString(), "--aug-smooth");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Npy.read(out).shape()).containsExactly(3, 16, 16);
    }

    @Test
    void targetsOfAnyTypeFromTheCommandLine() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path in = dir.resolve("x.npy");
        Npy.write(in, Tensor.zeros(2, 3, 16, 16));
        for (String target : new String[] {"softmax:2", "raw", "class:4"}) {
            CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", in.toString(), "--target",
                    target, "--save-npy", dir.resolve("t.npy").toString());
            assertThat(r.exit()).as(target + ": " + r.err()).isZero();
        }
        assertThat(CliRun.of("explain", "--model", model.toString(), "--input", in.toString(), "--target",
                "nosuch:1", "--save-npy", dir.resolve("t.npy").toString()).err()).contains("unknown target type");
        assertThat(CliRun.of("explain", "--model", model.toString(), "--input", in.toString(), "--target",
                "class:1", "--class", "2", "--save-npy", dir.resolve("t.npy").toString()).err()).contains("conflict");
    }

    @Test
    void listingCommands() throws Exception {
        CliRun methods = CliRun.of("methods", "--json");
        assertThat(methods.exit()).isZero();
        JsonNode list = new ObjectMapper().readTree(methods.out());
        assertThat(list.findValuesAsText("name")).contains("GradCAM", "HiResCAM", "GradCAMElementWise",
                "GradCAMPlusPlus", "XGradCAM", "LayerCAM", "EigenCAM", "EigenGradCAM", "KPCA_CAM", "ScoreCAM",
                "AblationCAM", "FullGrad", "FEM", "ShapleyCAM", "FinerCAM", "RandomCAM");
        assertThat(CliRun.of("backends").out()).contains("onnx");
        CliRun layers = CliRun.of("layers", "--model", CliTestFiles.cnn(dir).toString(), "--json");
        assertThat(layers.exit()).as(layers.err()).isZero();
        JsonNode l = new ObjectMapper().readTree(layers.out());
        assertThat(l.findValues("suggested").stream().filter(JsonNode::asBoolean)).hasSize(1);
        assertThat(CliRun.of("layers").out()).contains("* activation_6");
        assertThat(CliRun.of("--version").out()).contains("cam4j").contains("Java " + System.getProperty("java.version"))
                .containsPattern("backend onnx: ONNX Runtime 1\\.\\d+\\.\\d+, execution providers \\[[A-Z_, ]*CPU");
    }

    @Test
    void exportedModelRunsInOnnxRuntime() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path aug = dir.resolve("aug.onnx");
        CliRun r = CliRun.of("export", "--model", model.toString(), "--layer", "block_out", "--out", aug.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Tensor seed = Tensor.zeros(1, 5);
        seed.put(2, 1f);
        try (OrtRunner ort = new OrtRunner(Files.readAllBytes(aug), ModelOptions.defaults())) {
            Map<String, Tensor> out = ort.run(Map.of("input", Tensor.zeros(1, 3, 16, 16), "cam4j_seed", seed,
                    "cam4j_top_class", Tensor.zeros(1)), Set.of());
            assertThat(out).containsKeys("logits", "block_out", "cam4j_grad_0");
            assertThat(out.get("cam4j_grad_0").shape()).containsExactly(1, 8, 8, 8);
        }
    }

    @Test
    void deepFeatureFactorizationAndBench() throws Exception {
        Path out = dir.resolve("dff");
        CliRun dff = CliRun.of("dff", "--components", "3", "--out", out.toString());
        assertThat(dff.exit()).as(dff.err()).isZero();
        assertThat(dff.out()).contains("concept 0:").contains("concept 2:");
        assertThat(out.resolve("both.dff.png")).isRegularFile();
        CliRun bench = CliRun.of("bench", "--method", "GradCAM,EigenCAM", "--repeat", "1", "--warmup", "0", "--json");
        assertThat(bench.exit()).as(bench.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(bench.out());
        assertThat(rows.findValuesAsText("method")).containsExactly("GradCAM", "EigenCAM");
        assertThat(rows.get(1).get("median_s").asDouble()).isPositive();
        assertThat(rows.get(1).get("floor_median_s").asDouble()).isPositive();
    }

    @Test
    void probeSavesActivationsGradientsAndLogits() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path in = dir.resolve("x.npy");
        Npy.write(in, Tensor.zeros(2, 3, 16, 16));
        CliRun r = CliRun.of("probe", "--model", model.toString(), "--input", in.toString(), "--layer", "relu2",
                "--class", "1,4", "--save-activations", dir.resolve("a.npy").toString(), "--save-gradients",
                dir.resolve("g.npy").toString(), "--save-logits", dir.resolve("y.npy").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Npy.read(dir.resolve("g.npy")).shape()).containsExactly(2, 8, 8, 8);
        assertThat(Npy.read(dir.resolve("y.npy")).shape()).containsExactly(2, 5);
    }
}
