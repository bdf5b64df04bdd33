package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.HeadForward;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.Backends;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.SemanticSegmentationTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segmenter whose Resize sizes are shape arithmetic (Shape, Slice, Cast to float, Mul, Cast to int64, Concat), as
 * torchvision's segmentation models export them: ONNX Runtime refused its augmented graphs ("Type (tensor(float)) of
 * output arg ... of node Cast does not match expected type (tensor(int64))"), the int64 sizes having been declared
 * a float cut tensor. Now: the head computed from the layer reproduces the model's output, the gradients at the
 * layer equal central differences of the segmentation score through the head, and the methods run.
 */
class SegmentationGraphTest {
    @TempDir
    Path dir;

    private static final String LAYER = SyntheticModels.SEGMENTER_LAYER;

    @Test
    void shapeArithmeticBeforeAResizeIsRecomputedInTheHeadAndDifferentiated() throws Exception {
        Path file = dir.resolve("segmenter.onnx");
        java.nio.file.Files.write(file, SyntheticModels.segmenter(11).toByteArray());
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(0.37 * i));
        }
        Tensor mask = Tensor.zeros(16, 16);
        for (int y = 4; y < 12; y++) {
            for (int col = 2; col < 9; col++) {
                mask.put(y * 16 + col, 1f);
            }
        }
        List<Target> targets = List.of(new SemanticSegmentationTarget(1, mask), new SemanticSegmentationTarget(2, mask));
        try (ExplainableModel model = Backends.choose(file, null).open(file, ModelOptions.defaults())) {
            Tensor y = model.predict(x);
            ForwardResult forward = model.forward(x, List.of(LAYER), targets, true);
            assertThat(forward.output().maxAbsDiff(y)).isLessThan(1e-5);
            HeadForward head = model.capability(HeadForward.class);
            Tensor a = forward.activation(LAYER);
            int[] rows = {0, 1};
            assertThat(head.forwardHead(LAYER, a, rows, forward).maxAbsDiff(y)).as("head from the layer")
                    .isLessThan(1e-5);

            Tensor g = forward.gradient(LAYER);
            double eps = 1e-2;
            int[] probes = {5, 77, 130, 255, 300, 511};
            for (int image = 0; image < 2; image++) {
                for (int k : probes) {
                    Tensor plus = a.copy();
                    Tensor minus = a.copy();
                    int at = image * (a.size() / 2) + k;
                    plus.put(at, plus.at(at) + (float) eps);
                    minus.put(at, minus.at(at) - (float) eps);
                    double up = targets.get(image).score(head.forwardHead(LAYER, plus, rows, forward).slice(image));
                    double down = targets.get(image).score(head.forwardHead(LAYER, minus, rows, forward)
                            .slice(image));
                    assertThat(g.at(at)).as("image %d, activation %d", image, k)
                            .isCloseTo((float) ((up - down) / (2 * eps)), org.assertj.core.data.Offset.offset(2e-3f));
                }
            }
            for (String method : List.of("GradCAM", "EigenCAM", "ScoreCAM", "SegEigenCAM")) {
                try (Cam cam = new Cam(model, Methods.get(method), List.of(LAYER), CamOptions.defaults())) {
                    Tensor maps = cam.compute(x, targets).cams();
                    assertThat(maps.shape()).as(method).containsExactly(2, 16, 16);
                    assertThat(maps.firstNonFinite()).as(method).isNegative();
                }
            }
        }
    }
}
