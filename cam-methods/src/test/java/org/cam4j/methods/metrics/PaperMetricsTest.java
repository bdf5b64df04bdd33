package org.cam4j.methods.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.metrics.MetricContext;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.math.CamOps;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics beyond the reference, each against a case computed here by hand from the model's own outputs. */
class PaperMetricsTest {
    @TempDir
    Path dir;

    private static Tensor input() {
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(i * 0.13));
        }
        return x;
    }

    /** Left half 1, right half 0 (image 0); a single bright pixel at (3, 12) (image 1). */
    private static Tensor cams() {
        Tensor c = Tensor.zeros(2, 16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 8; x++) {
                c.put(y * 16 + x, 1f);
            }
        }
        c.put(256 + 3 * 16 + 12, 1f);
        return c;
    }

    private double probability(OnnxModel m, Tensor x, int image, int cls) {
        return CamOps.softmax(m.predict(x).slice(image))[cls];
    }

    @Test
    void averageDropAndIncreaseOnProbabilities() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(4).toByteArray());
        try (OnnxModel m = new OnnxBackend().open(file, ModelOptions.defaults())) {
            Tensor x = input();
            Tensor c = cams();
            List<Target> t = List.of(new ClassifierOutputTarget(1), new ClassifierOutputTarget(3));
            MetricContext ctx = new MetricContext(m, x, c, t, 50, List.of(50.0), 0, 0, null);
            Tensor masked = x.copy();
            for (int i = 0; i < masked.size(); i++) {
                masked.put(i, masked.at(i) * c.at((i / (3 * 256)) * 256 + i % 256));
            }
            double[] drop = new AverageDrop().evaluate(ctx);
            double[] increase = new AverageIncrease().evaluate(ctx);
            for (int i = 0; i < 2; i++) {
                int cls = i == 0 ? 1 : 3;
                double y = probability(m, x, i, cls);
                double o = probability(m, masked, i, cls);
                assertThat(drop[i]).isCloseTo(100 * Math.max(0, y - o) / y, within(1e-4));
                assertThat(increase[i]).isEqualTo(o > y ? 100 : 0);
            }
        }
    }

    @Test
    void deletionAndInsertionWithTwoSteps() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(4).toByteArray());
        try (OnnxModel m = new OnnxBackend().open(file, ModelOptions.defaults())) {
            Tensor x = input();
            Tensor c = cams();
            List<Target> t = List.of(new ClassifierOutputTarget(2), new ClassifierOutputTarget(2));
            MetricContext ctx = new MetricContext(m, x, c, t, 50, List.of(50.0), 0, 0, null)
                    .withOptions(Map.of("steps", "2"));
            // image 0 with two steps: its left half (the map's top half of the pixels) goes first
            Tensor half = x.copy();
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < 16; y++) {
                    for (int col = 0; col < 8; col++) {
                        half.put(((ch) * 16 + y) * 16 + col, 0f);
                    }
                }
            }
            double full = probability(m, x, 0, 2);
            double mid = probability(m, half, 0, 2);
            double none = probability(m, Tensor.zeros(2, 3, 16, 16), 0, 2);
            double deletion = ((full + mid) / 2 + (mid + none) / 2) / 2;
            assertThat(new DeletionCurve().evaluate(ctx)[0]).isCloseTo(deletion, within(1e-6));
            Tensor rightOnly = x.copy();
            for (int i = 0; i < 3 * 256; i++) {
                if (i % 16 >= 8) {
                    rightOnly.put(i, 0f);
                }
            }
            double inserted = probability(m, rightOnly, 0, 2);
            double insertion = ((none + inserted) / 2 + (inserted + full) / 2) / 2;
            assertThat(new InsertionCurve().evaluate(ctx)[0]).isCloseTo(insertion, within(1e-6));
            assertThatThrownBy(() -> new DeletionCurve().evaluate(ctx.withOptions(Map.of("baseline", "grey"))))
                    .hasMessageContaining("baseline must be 0 or blur");
            assertThat(new DeletionCurve().evaluate(ctx.withOptions(Map.of("baseline", "blur")))[1]).isBetween(0.0, 1.0);
        }
    }

    @Test
    void pointingGames() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(4).toByteArray());
        try (OnnxModel m = new OnnxBackend().open(file, ModelOptions.defaults())) {
            Tensor c = cams();
            Tensor masks = Tensor.zeros(2, 16, 16);
            for (int p = 0; p < 256; p++) {
                masks.put(p, p % 16 < 4 ? 1f : 0f); // image 0: the left quarter, where its map is 1
                masks.put(256 + p, p % 16 >= 8 ? 1f : 0f); // image 1: the right half, where its bright pixel is
            }
            List<Target> t = List.of(new ClassifierOutputTarget(0), new ClassifierOutputTarget(0));
            MetricContext ctx = new MetricContext(m, input(), c, t, 50, List.of(50.0), 0, 0, null);
            assertThatThrownBy(() -> new PointingGame().evaluate(ctx)).hasMessageContaining("masks");
            MetricContext withMasks = ctx.withGroundTruth(masks);
            assertThat(new PointingGame().evaluate(withMasks)).containsExactly(1.0, 1.0);
            assertThat(new EnergyPointingGame().evaluate(withMasks)[0]).isCloseTo(0.5, within(1e-9));
            assertThat(new EnergyPointingGame().evaluate(withMasks)[1]).isCloseTo(1.0, within(1e-9));
        }
    }
}
