package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line on stderr naming the problem and the fix, exit code 2, no stack trace, nothing written. */
class BadInputTest {
    @TempDir
    Path dir;

    private CliRun fails(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("cam: error: ").doesNotContain("Exception").doesNotContain("\tat ");
        return r;
    }

    private void nothingWritten(Path out) throws Exception {
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files).isEmpty();
            }
        }
    }

    /** A torchvision detector used as a classifier, a box target that matches nothing, an input of the wrong rank. */
    @Test
    void torchvisionDetectorsMisused() throws Exception {
        Path model = Files.write(dir.resolve("tv.onnx"), org.cam4j.testdata.SyntheticDetectors.torchvision(11)
                .toByteArray());
        Path out = dir.resolve("out");
        assertThat(fails("explain", "--model", model.toString(), "--out", out.toString()).err())
                .contains("object detector (torchvision").contains("cam detect").contains("boxes:");
        org.cam4j.tensor.Tensor image = org.cam4j.tensor.Tensor.zeros(3, 32, 32);
        for (int i = 0; i < image.size(); i++) {
            image.put(i, (i % 7) / 7f);
        }
        Path npy = dir.resolve("image.npy");
        org.cam4j.tensor.Npy.write(npy, image);
        assertThat(fails("explain", "--model", model.toString(), "--input", npy.toString(), "--save-npy",
                dir.resolve("cams.npy").toString(), "--layer", "p3", "--target", "boxes:torchvision:1@0,0,1,1").err())
                .contains("matches a detection").contains("1@0.0,0.0,1.0,1.0")
                .contains("pixels of the 32 x 32 model input), not the photo pixels");
        assertThat(Files.exists(dir.resolve("cams.npy"))).isFalse();
        Path flat = dir.resolve("flat.npy");
        org.cam4j.tensor.Npy.write(flat, org.cam4j.tensor.Tensor.zeros(32, 32));
        assertThat(fails("detect", "--model", model.toString(), "--input", flat.toString()).err())
                .contains("C x H x W").contains("[32, 32]");
        nothingWritten(out);
    }

    @Test
    void missingFiles() throws Exception {
        Path out = dir.resolve("out");
        assertThat(fails("explain", "--model", dir.resolve("nope.onnx").toString(), "--out", out.toString()).err())
                .contains("nope.onnx").contains("does not exist");
        assertThat(fails("explain", "--image", dir.resolve("gone.png").toString(), "--out", out.toString()).err())
                .contains("gone.png");
        assertThat(fails("probe", "--model", CliTestFiles.cnn(dir).toString(), "--input",
                dir.resolve("x.npy").toString(), "--layer", "relu2", "--save-logits", "y.npy").err()).contains("x.npy");
        nothingWritten(out);
    }

    @Test
    void wrongFormats() throws Exception {
        Path out = dir.resolve("out");
        Path notModel = Files.writeString(dir.resolve("model.onnx"), "hello");
        assertThat(fails("explain", "--model", notModel.toString(), "--out", out.toString()).err())
                .contains("model.onnx");
        Path badImage = Files.writeString(dir.resolve("photo.jpg"), "not a jpeg");
        assertThat(fails("explain", "--image", badImage.toString(), "--out", out.toString()).err())
                .contains("photo.jpg").contains("png, jpg");
        assertThat(fails("explain", "--model", dir.resolve("x.txt").toString()).err()).contains("x.txt");
        nothingWritten(out);
    }

    @Test
    void unknownMethodListsTheAvailableOnes() {
        assertThat(fails("explain", "--method", "FooCAM").err()).contains("unknown method 'FooCAM'")
                .contains("GradCAM").contains("ScoreCAM");
    }

    @Test
    void unknownLayerNamesTheClosest() throws Exception {
        Path out = dir.resolve("out");
        assertThat(fails("explain", "--model", CliTestFiles.cnn(dir).toString(), "--layer", "relu_2", "--out",
                out.toString()).err()).contains("unknown layer 'relu_2'").contains("relu2");
        nothingWritten(out);
    }

    @Test
    void conflictingOptions() {
        assertThat(fails("explain", "--image", "a.png", "--input", "x.npy").err()).contains("mutually exclusive");
        assertThat(fails("explain", "--device", "cpu:1", "--use-cuda").err()).contains("--use-cuda");
        assertThat(fails("explain", "--batch-size", "0").err()).contains("--batch-size");
        assertThat(fails("explain", "--method", "EigenCAM", "--eigen-smooth").err()).contains("eigen");
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "a file, not a folder");
        assertThat(fails("explain", "--out", file.resolve("sub").toString()).err()).contains("--out");
    }
}
