package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.DetectorOutputs;
import org.cam4j.detection.PostProcessing;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.BoxScoreTarget;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticDetectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector exported as torchvision's are (one unbatched image in, its own NonZero, TopK and NonMaxSuppression
 * post-processing, boxes, scores and int64 labels out): opened as a batch of one, recognised as the torchvision
 * layout, and the gradients of the reference's box-score target and of one detection's score at the backbone equal
 * central differences of the head, through the indices the run selected.
 */
class TorchvisionDetectorTest {
    @TempDir
    Path dir;

    @Test
    void unbatchedModelIsABatchOfOneWithExactGradientsThroughItsPostProcessing() throws Exception {
        Path file = dir.resolve("torchvision.onnx");
        Files.write(file, SyntheticDetectors.torchvision(11).toByteArray());
        DetectorOutputs outputs;
        try (OnnxModel m = new OnnxModel(file, ModelOptions.defaults())) {
            assertThat(m.input().shape()).containsExactly(1, 3, 32, 32);
            assertThat(m.outputs()).extracting(t -> t.shape().length).containsExactly(3, 2, 2);
            outputs = DetectorOutputs.choose(m.outputs(), "auto");
        }
        assertThat(outputs.layout()).isEqualTo(DetectionLayout.parse("torchvision"));
        ModelOptions d = ModelOptions.defaults();
        ModelOptions joined = new ModelOptions(d.device(), d.threads(), d.reshape(), d.inplaceReluView(),
                Map.of(ModelOptions.OUTPUTS, String.join(",", outputs.outputs())));
        try (OnnxModel m = new OnnxModel(file, joined)) {
            PostProcessing post = new PostProcessing(Double.NEGATIVE_INFINITY, 0.5, 0);
            for (long seed : new long[] {1, 2}) {
                Tensor x = image(seed);
                Tensor out = m.predict(x);
                assertThat(out.rank()).isEqualTo(3);
                assertThat(out.dim(2)).isEqualTo(6);
                List<Detection> found = post.detect(out.slice(0), outputs.layout());
                assertThat(found).as("detections of image %d", seed).hasSizeGreaterThan(1);
                for (int k = 1; k < found.size(); k++) {
                    assertThat(found.get(k).score()).isLessThanOrEqualTo(found.get(k - 1).score());
                }
                Detection a = found.get(0);
                Detection b = found.get(1);
                Target boxes = new BoxScoreTarget(outputs.layout(), post, List.of(shifted(a.box()), shifted(b.box())),
                        new int[] {a.label(), b.label()}, 0.5);
                assertThat(boxes.score(out.slice(0))).isGreaterThan(a.score() + b.score());
                checkAgainstDifferences(m, x, boxes);
                checkAgainstDifferences(m, x, new DetectionScoreTarget(outputs.layout(), b.anchor(), b.label()));
            }
        }
    }

    private static double[] shifted(double[] box) {
        return new double[] {box[0] + 0.3, box[1] - 0.2, box[2] + 0.4, box[3] + 0.1};
    }

    private static Tensor image(long seed) {
        Tensor x = Tensor.zeros(1, 3, SyntheticDetectors.SIZE, SyntheticDetectors.SIZE);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) r.nextGaussian());
        }
        return x;
    }

    /** The gradient at p3 against central differences of the head run from p3, at the largest entries. */
    private static void checkAgainstDifferences(OnnxModel m, Tensor x, Target target) {
        String layer = SyntheticDetectors.P3;
        ForwardResult r = m.forward(x, List.of(layer), List.of(target), true);
        Tensor a = r.activation(layer);
        Tensor g = r.gradient(layer);
        int[] one = {0};
        assertThat(m.forwardHead(layer, a, one, r).maxAbsDiff(r.output())).isLessThan(1e-5);
        Integer[] order = new Integer[g.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Float.compare(Math.abs(g.at(q)), Math.abs(g.at(p))));
        assertThat(Math.abs(g.at(order[0]))).as("a gradient to check").isGreaterThan(1e-4f);
        for (int k = 0; k < 12; k++) {
            int j = order[k];
            double h = 1e-3;
            Tensor plus = a.copy();
            plus.put(j, plus.at(j) + (float) h);
            Tensor minus = a.copy();
            minus.put(j, minus.at(j) - (float) h);
            double fd = (target.score(m.forwardHead(layer, plus, one, r).slice(0))
                    - target.score(m.forwardHead(layer, minus, one, r).slice(0))) / (2 * h);
            assertThat((double) g.at(j)).as("d score / d p3[%d] of %s", j, target.getClass().getSimpleName())
                    .isCloseTo(fd, within(2e-3 + 2e-2 * Math.abs(fd)));
        }
    }
}
