package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.cam4j.spi.LayerData;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * SegEigenCAM weights the activations by the absolute gradients. With activations A[c, p] = v[c] u[p] (rank one) and
 * gradients of random sign and magnitude 1, |g| * A = A, whose first principal component gives exactly
 * (u - mean(u)) |v| (sign: largest entry positive); the signed product g * A is another matrix with another map.
 */
class SegEigenCamTest {
    @Test
    void gradientsOfBothSignsWeighByTheirMagnitude() {
        int channels = 6;
        int side = 5;
        int hw = side * side;
        Random random = new Random(7);
        double[] u = new double[hw];
        double[] v = new double[channels];
        for (int p = 0; p < hw; p++) {
            u[p] = random.nextGaussian();
        }
        for (int c = 0; c < channels; c++) {
            v[c] = 0.5 + random.nextDouble();
        }
        Tensor a = Tensor.zeros(1, channels, side, side);
        Tensor g = Tensor.zeros(1, channels, side, side);
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < hw; p++) {
                a.put(c * hw + p, (float) (v[c] * u[p]));
                g.put(c * hw + p, random.nextBoolean() ? 1f : -1f);
            }
        }
        Tensor map = new SegEigenCam().camImage(new LayerData("layer", a, g), null);

        double mean = java.util.Arrays.stream(u).average().orElse(0);
        double norm = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
        double[] expected = new double[hw];
        int largest = 0;
        for (int p = 0; p < hw; p++) {
            expected[p] = (u[p] - mean) * norm;
            if (Math.abs(expected[p]) > Math.abs(expected[largest])) {
                largest = p;
            }
        }
        double sign = Math.signum(expected[largest]);
        for (int p = 0; p < hw; p++) {
            assertThat((double) map.at(p)).as("position %d", p).isCloseTo(sign * expected[p],
                    org.assertj.core.data.Offset.offset(1e-4));
        }
        // the signed product (what EigenGradCAM projects) gives another map
        Tensor signed = new EigenGradCam().camImage(new LayerData("layer", a, g), null);
        assertThat(Math.abs(signed.pearson(map))).isLessThan(0.9);
    }
}
