package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.cam4j.image.ImageFiles;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --guided on a one-channel model (an MNIST CNN) writes gray guided-backprop pictures (it ended in exit 3). */
class GuidedGrayscaleTest {
    @TempDir
    Path dir;

    @Test
    void guidedPicturesOfAGrayscaleModelAreWrittenInGray() {
        Path model = TestFiles.copy("mnist_cnn.onnx", dir);
        Path photo = CliTestFiles.photo(dir.resolve("digit.png"), 7, 28, 28);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--image", photo.toString(), "--mean", "0.5",
                "--std", "0.5", "--guided", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        for (String name : new String[] {"digit.GradCAM_gb.png", "digit.GradCAM_cam_gb.png"}) {
            Tensor picture = ImageFiles.read(out.resolve(name)).pixels();
            assertThat(picture.shape()).containsExactly(28, 28, 3);
            float spread = 0;
            for (int p = 0; p < 28 * 28; p++) {
                spread = Math.max(spread, Math.abs(picture.at(p * 3) - picture.at(p * 3 + 1)) + Math.abs(
                        picture.at(p * 3) - picture.at(p * 3 + 2)));
            }
            assertThat(spread).as(name + ": gray, R = G = B").isZero();
            assertThat(picture.max()).as(name + " is not blank").isGreaterThan(picture.min());
        }
    }
}
