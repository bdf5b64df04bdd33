package org.cam4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CamOpsTest {
    @Test
    void scaleIsMinMaxPerImage() {
        Tensor cams = Tensor.of(new float[] {1, 3, 5, 9, 0, 0, 0, 0}, 2, 2, 2);
        Tensor s = CamOps.scale(cams, 0, 0);
        assertThat(s.slice(0).toArray()).containsExactly(0f, 0.25f, 0.5f, (float) (8 / (1e-7 + 8)));
        assertThat(s.slice(1).toArray()).containsOnly(0f);
    }

    @Test
    void weightedSumAndSpatialMean() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        Tensor w = Tensor.of(new float[] {2, -1}, 1, 2);
        assertThat(CamOps.weightedSum(w, a).toArray()).containsExactly(-8f, -16f, -24f, -32f);
        assertThat(CamOps.spatialMean(a).toArray()).containsExactly(2.5f, 25f);
    }

    @Test
    void aggregateTakesReluMeanAndRescales() {
        Tensor l1 = Tensor.of(new float[] {0, 1, -1, 0.5f}, 1, 2, 2);
        Tensor l2 = Tensor.of(new float[] {1, 1, 1, 0.5f}, 1, 2, 2);
        Tensor out = CamOps.aggregate(List.of(l1, l2));
        // means: 0.5, 1, 0.5, 0.5 -> scaled: 0, 1, 0, 0
        assertThat(out.at(0)).isCloseTo(0f, within(1e-6f));
        assertThat(out.at(1)).isCloseTo(1f, within(1e-6f));
        assertThat(out.at(3)).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void eigenProjectionOfRankOneActivationsIsTheSpatialPattern() {
        // A[c, p] = u[p] * v[c] + channel offset: centring removes the offsets, the first component is u (centred)
        float[] u = {1, -2, 4, 0};
        float[] v = {0.5f, 2f, -1f};
        Tensor a = Tensor.zeros(1, 3, 2, 2);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 4; p++) {
                a.put(c * 4 + p, u[p] * v[c] + 7 * c);
            }
        }
        Tensor proj = EigenProjection.project(a);
        float uMean = 0.75f;
        double vNorm = Math.sqrt(0.25 + 4 + 1);
        double[] expected = new double[4];
        for (int p = 0; p < 4; p++) {
            expected[p] = (u[p] - uMean) * vNorm;
        }
        // sign rule: the largest-magnitude entry (u = 4 -> 3.25 * |v|) is positive
        for (int p = 0; p < 4; p++) {
            assertThat(proj.at(p)).isCloseTo((float) expected[p], within(1e-4f));
        }
    }
}
