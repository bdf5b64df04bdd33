package org.cam4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class OverlayTest {
    @TempDir
    Path dir;

    @Test
    void jetTableMatchesOpenCv() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        Tensor lut = Npy.read(SharedData.parity().get().resolve("overlay/jet_lut_rgb_uint8.npy"));
        int[][] jet = Overlay.jet();
        for (int i = 0; i < 256; i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(jet[i][c]).as("entry %d channel %d", i, c).isEqualTo((int) lut.get(i, c));
            }
        }
    }

    @Test
    void pureHeatWhereImageIsBlack() {
        Tensor rgb = Tensor.zeros(1, 2, 3);
        Tensor mask = Tensor.of(new float[] {0f, 1f}, 1, 2);
        Tensor out = Overlay.showCamOnImage(rgb, mask, 0.5f);
        // JET(0) = (0, 0, 128), JET(255) = (128, 0, 0); both halved, then divided by the max (64/255)
        assertThat(out.toArray()).containsExactly(0f, 0f, 255f, 255f, 0f, 0f);
    }

    @TestFactory
    Stream<DynamicTest> overlaysMatchTheReference() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        Path overlayDir = manifest.file("overlay");
        JsonNode cases = new ParityManifest(overlayDir).json().get("cases");
        Tensor rgb = Npy.read(manifest.file("input_rgb224_uint8.npy"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("file").asText(), () -> {
                String[] mask = c.get("mask_source").asText().split(" ")[0].split("\\[");
                int image = Integer.parseInt(mask[1].replace("]", ""));
                Tensor cam = Npy.read(manifest.file(mask[0])).slice(image);
                Tensor img = rgb.slice(image).copy();
                for (int i = 0; i < img.size(); i++) {
                    img.put(i, img.at(i) / 255f);
                }
                Tensor ours = Overlay.showCamOnImage(img, cam, (float) c.get("image_weight").asDouble());
                Tensor expected = Npy.read(overlayDir.resolve(c.get("file").asText()));
                assertThat(ours.maxAbsDiff(expected)).isLessThanOrEqualTo(1.0);
                Path png = dir.resolve(c.get("png").asText());
                ImageFiles.writePng(png, ours);
                assertThat(ImageFiles.read(png).pixels().maxAbsDiff(scaled(expected))).isLessThan(1.01 / 255);
            }));
        }
        return tests.stream();
    }

    private static Tensor scaled(Tensor rgb255) {
        Tensor out = rgb255.copy();
        for (int i = 0; i < out.size(); i++) {
            out.put(i, out.at(i) / 255f);
        }
        return out;
    }
}
