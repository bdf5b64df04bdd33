package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepFeatureFactorizationTest {
    @TempDir
    Path dir;

    @Test
    void nmfRecoversAnExactLowRankFactorisation() {
        Random r = new Random(4);
        double[][] w = new double[6][2];
        double[][] h = new double[2][30];
        for (double[] row : w) {
            row[0] = r.nextDouble();
            row[1] = r.nextDouble();
        }
        for (double[] row : h) {
            for (int j = 0; j < 30; j++) {
                row[j] = r.nextDouble();
            }
        }
        double[][] x = new double[6][30];
        double norm = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 30; j++) {
                x[i][j] = w[i][0] * h[0][j] + w[i][1] * h[1][j];
                norm += x[i][j] * x[i][j];
            }
        }
        double[][][] f = DeepFeatureFactorization.nmf(x, 2, new Random(0));
        double err = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 30; j++) {
                double v = f[0][i][0] * f[1][0][j] + f[0][i][1] * f[1][1][j];
                assertThat(f[1][0][j]).isGreaterThanOrEqualTo(0);
                err += (x[i][j] - v) * (x[i][j] - v);
            }
        }
        assertThat(Math.sqrt(err / norm)).isLessThan(0.05);
    }

    @Test
    void conceptsMapsScoresAndOverlay() throws Exception {
        Path file = dir.resolve("cnn.onnx");
        Files.write(file, SyntheticModels.cnn(2).toByteArray());
        Tensor x = TestInputs.gaussian(1, 2, 3, 16, 16);
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            DeepFeatureFactorization.Factorization f = DeepFeatureFactorization.compute(model, x,
                    SyntheticModels.CNN_LAYER, 3, true);
            assertThat(f.concepts().shape()).containsExactly(8, 3);
            assertThat(f.explanations().shape()).containsExactly(2, 3, 16, 16);
            assertThat(f.explanations().max()).isLessThanOrEqualTo(1f);
            assertThat(f.conceptScores().shape()).containsExactly(3, 5);
            for (int k = 0; k < 3; k++) {
                double sum = 0;
                for (int q = 0; q < 5; q++) {
                    sum += f.conceptScores().get(k, q);
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
            }
            Tensor rgb = Tensor.zeros(16, 16, 3);
            Tensor overlay = DeepFeatureFactorization.overlay(rgb, f.explanations().slice(0), 0.5f);
            assertThat(overlay.shape()).containsExactly(16, 16, 3);
            assertThat(overlay.max()).isGreaterThan(0f);
        }
    }
}
