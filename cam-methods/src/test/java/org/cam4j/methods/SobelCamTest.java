package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The Sobel baseline: a hand-computed edge, and the reference's own maps ({@code sobel} in the manifest) within the
 * CAM tolerances on the 0..1 scale (max |delta| 0.01, r 0.999): OpenCV's 8-bit luma rounding is not reproduced to
 * the last level (measured: at most 2 of 255 apart, on about 0.6 % of the pixels).
 */
class SobelCamTest {
    @Test
    void aVerticalEdgeByHand() {
        // 4 x 4 gray image, left half 0, right half 100: gx = 400 at the two middle columns (clipped to 255), gy = 0
        Tensor rgb = Tensor.zeros(4, 4, 3);
        for (int y = 0; y < 4; y++) {
            for (int x = 2; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb.put((y * 4 + x) * 3 + c, 100);
                }
            }
        }
        Tensor map = SobelCam.sobel(rgb);
        for (int y = 0; y < 4; y++) {
            assertThat(map.slice(y).toArray()).containsExactly(0f, 128f, 128f, 0f);
        }
    }

    @Test
    void matchesTheReferencesSobelMaps() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        int compared = 0;
        for (String name : manifest.models()) {
            JsonNode sobel = manifest.model(name).path("sobel");
            if (sobel.isMissingNode()) {
                System.out.println("sobel: no reference for " + name);
                continue;
            }
            Tensor rgb = Npy.read(manifest.file(sobel.get("input").asText()));
            Tensor expected = Npy.read(manifest.file(sobel.get("file").asText()));
            for (int i = 0; i < expected.dim(0); i++) {
                Tensor ours = SobelCam.sobel(rgb.slice(i));
                double delta = ours.maxAbsDiff(expected.slice(i));
                double r = ours.pearson(expected.slice(i));
                System.out.printf("sobel %s image %d: max |delta| %.0f of 255, Pearson r %.6f%n", name, i, delta, r);
                assertThat(delta / 255).isLessThanOrEqualTo(ReferenceCamParityTest.MAX_DELTA);
                assertThat(r).isGreaterThanOrEqualTo(ReferenceCamParityTest.MIN_PEARSON);
                compared++;
            }
        }
        assertThat(compared).isPositive();
    }
}
