package org.cam4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.cam4j.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** The imputer's conjugate-gradient solution against a dense solve of the system written out from its definition. */
class NoisyLinearImputerTest {
    private static final int[][] OFFSETS = {{1, 1}, {0, 1}, {-1, 1}, {1, -1}, {0, -1}, {-1, -1}, {1, 0}, {-1, 0}};
    private static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0,
        1 / 6.0};

    @Test
    void matchesADenseSolve() {
        Random r = new Random(8);
        int h = 9;
        int w = 11;
        Tensor image = Tensor.zeros(2, h, w);
        for (int i = 0; i < image.size(); i++) {
            image.put(i, (float) r.nextGaussian());
        }
        for (double removed : new double[] {0.2, 0.6, 0.95}) {
            boolean[] keep = new boolean[h * w];
            for (int p = 0; p < keep.length; p++) {
                keep[p] = r.nextDouble() >= removed;
            }
            Tensor ours = new NoisyLinearImputer(0, 0).impute(image, keep);
            // the reference's system: for removed p, -s_p x_p + sum_removed w x_q = -sum_kept w v_q
            int[] index = new int[h * w];
            int n = 0;
            for (int p = 0; p < h * w; p++) {
                index[p] = keep[p] ? -1 : n++;
            }
            for (int ch = 0; ch < 2; ch++) {
                DMatrixRMaj a = new DMatrixRMaj(n, n);
                DMatrixRMaj b = new DMatrixRMaj(n, 1);
                for (int p = 0; p < h * w; p++) {
                    if (keep[p]) {
                        continue;
                    }
                    double s = 1;
                    for (int k = 0; k < 8; k++) {
                        int y = p / w + OFFSETS[k][0];
                        int x = p % w + OFFSETS[k][1];
                        if (y < 0 || x < 0 || y >= h || x >= w) {
                            s -= WEIGHTS[k];
                        } else if (keep[y * w + x]) {
                            b.add(index[p], 0, -WEIGHTS[k] * image.at((ch * h + y) * w + x));
                        } else {
                            a.set(index[p], index[y * w + x], WEIGHTS[k]);
                        }
                    }
                    a.set(index[p], index[p], -s);
                }
                DMatrixRMaj x = new DMatrixRMaj(n, 1);
                assertThat(CommonOps_DDRM.solve(a, b, x)).isTrue();
                for (int p = 0; p < h * w; p++) {
                    double expected = keep[p] ? image.at(ch * h * w + p) : x.get(index[p], 0);
                    assertThat((double) ours.at(ch * h * w + p)).isCloseTo(expected,
                            org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void noiseIsAddedOnlyToRemovedPixelsAndIsSeeded() {
        Tensor image = Tensor.zeros(1, 6, 6);
        boolean[] keep = new boolean[36];
        for (int p = 0; p < 36; p++) {
            keep[p] = p % 2 == 0;
        }
        Tensor a = new NoisyLinearImputer(0.01, 3).impute(image, keep);
        Tensor b = new NoisyLinearImputer(0.01, 3).impute(image, keep);
        assertThat(a.maxAbsDiff(b)).isZero();
        for (int p = 0; p < 36; p++) {
            if (keep[p]) {
                assertThat(a.at(p)).isZero();
            }
        }
        assertThat(a.max()).isGreaterThan(0f);
    }
}
