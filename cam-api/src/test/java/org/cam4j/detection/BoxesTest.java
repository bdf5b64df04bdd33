package org.cam4j.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxesTest {
    @Test
    void iouOfKnownBoxes() {
        assertThat(Boxes.iou(new double[] {0, 0, 2, 2}, new double[] {1, 1, 3, 3})).isCloseTo(1.0 / 7, within(1e-12));
        assertThat(Boxes.iou(new double[] {0, 0, 1, 1}, new double[] {2, 2, 3, 3})).isZero();
        assertThat(Boxes.iou(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1})).isEqualTo(1.0);
    }

    /**
     * A detection used as its own reference box sits on IoU's kink, where torch's maximum and minimum split the
     * gradient evenly: zero. The same detection from another runtime, off by float32 noise, keeps that gradient.
     */
    @Test
    void aBoxMatchedWithItselfOrItsFloatNoiseHasNoIouGradient() {
        double[] box = {30.968429565429688, 106.51769256591797, 320.0, 189.08004760742188};
        double[] noisy = {30.96846, 106.5177, 320.0, 189.08008};
        assertThat(Boxes.iouGradient(box, box)).containsOnly(0.0);
        // one-sided, the gradient at x1 would be about -1 / width = -0.003; split, what is left is the noise's
        for (double v : Boxes.iouGradient(noisy, box)) {
            assertThat(v).isCloseTo(0.0, within(1e-8));
        }
        double[] shifted = {31.2, 106.51769256591797, 320.0, 189.08004760742188};
        assertThat(Boxes.iouGradient(shifted, box)[0]).as("a box a quarter pixel off is no tie").isNegative();
    }

    @Test
    void iouGradientEqualsCentralDifferences() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            double[] b = corners(random);
            double[] a = corners(random);
            if (Boxes.iou(a, b) < 0.02) {
                continue;
            }
            double[] g = Boxes.iouGradient(a, b);
            for (int k = 0; k < 4; k++) {
                double eps = 1e-6;
                double[] plus = a.clone();
                double[] minus = a.clone();
                plus[k] += eps;
                minus[k] -= eps;
                double fd = (Boxes.iou(plus, b) - Boxes.iou(minus, b)) / (2 * eps);
                assertThat(g[k]).as("trial %d coordinate %d", trial, k).isCloseTo(fd, within(1e-6));
            }
        }
    }

    @Test
    void formatsConvertAndBackpropagateLinearly() {
        for (BoxFormat f : BoxFormat.values()) {
            double[] raw = {3, 4, 5, 6};
            double[] corners = f.toCorners(raw[0], raw[1], raw[2], raw[3]);
            double[] dCorners = {0.3, -0.7, 1.1, 0.2};
            double[] dRaw = f.cornerGradientToRaw(dCorners);
            for (int k = 0; k < 4; k++) {
                double[] bumped = raw.clone();
                bumped[k] += 1;
                double[] c2 = f.toCorners(bumped[0], bumped[1], bumped[2], bumped[3]);
                double change = 0;
                for (int j = 0; j < 4; j++) {
                    change += dCorners[j] * (c2[j] - corners[j]);
                }
                assertThat(dRaw[k]).as("%s raw %d", f, k).isCloseTo(change, within(1e-12));
            }
        }
        assertThat(BoxFormat.CXCYWH.toCorners(10, 20, 4, 6)).containsExactly(8, 17, 12, 23);
        assertThat(BoxFormat.XYWH.toCorners(10, 20, 4, 6)).containsExactly(10, 20, 14, 26);
    }

    @Test
    void identicalBoxesHaveZeroIouGradientAsTorchGivesIt() {
        assertThat(Boxes.iouGradient(new double[] {1, 2, 5, 7}, new double[] {1, 2, 5, 7})).containsOnly(0.0);
    }

    private static double[] corners(Random r) {
        double x = r.nextDouble() * 10;
        double y = r.nextDouble() * 10;
        return new double[] {x, y, x + 0.5 + r.nextDouble() * 6, y + 0.5 + r.nextDouble() * 6};
    }
}
