package org.cam4j.engine.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.MethodRequest;
import org.cam4j.math.CamOps;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.Backends;
import org.cam4j.spi.CamOptions;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cam evaluate's computation, checked from outside it: the deletion curve starts at the class probability of the
 * untouched image and the insertion curve ends there (softmax of the model's logits, computed here); Deletion is the
 * area under the curve; maps given for the first method are scored as that method's computed maps are, and alone.
 */
class MethodEvaluationTest {
    @TempDir
    Path dir;

    private static Tensor input() {
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(0.05 * i) * 0.5f + 0.5f);
        }
        return x;
    }

    @Test
    void curvesStartAndEndAtTheImagesProbabilityAndGivenMapsScoreAsComputedOnes() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        try (ExplainableModel model = Backends.choose(file, null).open(file, ModelOptions.defaults())) {
            Tensor input = input();
            List<Target> targets = List.of(new ClassifierOutputTarget(1), new ClassifierOutputTarget(4));
            List<String> layers = List.of(SyntheticModels.CNN_LAYER);
            MethodEvaluation.Batch batch = new MethodEvaluation.Batch(model, input, targets, layers, null);
            EvaluationRequest request = EvaluationRequest.of(List.of("Deletion", "Insertion"), false, n -> n, null,
                    null, null, FieldNames.PLAIN);
            var methods = new MethodRequest(MethodRequest.methods(List.of("GradCAM", "HiResCAM")), null, false, false,
                    false, null).choices(FieldNames.PLAIN);
            int[] steps = {0};
            MethodEvaluation.Scores s = MethodEvaluation.run(batch, methods, null, request, Map.of("steps", "8"), true,
                    () -> steps[0]++);

            assertThat(steps[0]).as("a step per metric and method").isEqualTo(4);
            assertThat(s.values().keySet()).containsExactly("Deletion", "Insertion");
            assertThat(s.values().get("Deletion").keySet()).containsExactly("GradCAM", "HiResCAM");
            Tensor logits = model.predict(input);
            double expected = (CamOps.softmax(logits.slice(0))[1] + CamOps.softmax(logits.slice(1))[4]) / 2;
            for (String method : List.of("GradCAM", "HiResCAM")) {
                double[] deletion = s.deletion().get(method);
                double[] insertion = s.insertion().get(method);
                assertThat(deletion).hasSize(9);
                assertThat(deletion[0]).as("deletion starts from the images").isCloseTo(expected, within(1e-6));
                assertThat(insertion[8]).as("insertion ends at the images").isCloseTo(expected, within(1e-6));
                double area = 0;
                for (int k = 1; k < deletion.length; k++) {
                    area += (deletion[k - 1] + deletion[k]) / 2 / 8;
                }
                double[] perImage = s.values().get("Deletion").get(method);
                assertThat((perImage[0] + perImage[1]) / 2).as("Deletion: the area under the mean curve")
                        .isCloseTo(area, within(1e-9));
            }

            // HiResCAM's own maps, given as maps of the first method: the same scores, and no other method scored
            Tensor hires;
            try (Cam cam = new Cam(model, methods.get(1).method(), layers, CamOptions.defaults())) {
                hires = cam.compute(input, targets).cams();
            }
            MethodEvaluation.Scores given = MethodEvaluation.run(batch, methods.subList(1, 2), hires, request,
                    Map.of("steps", "8"), false, () -> { });
            assertThat(given.values().get("Deletion")).containsOnlyKeys("HiResCAM");
            assertThat(given.values().get("Deletion").get("HiResCAM"))
                    .containsExactly(s.values().get("Deletion").get("HiResCAM"));
            assertThat(given.deletion()).as("no curves when not asked for").isEmpty();
            assertThat(given.values().keySet()).containsExactly("Deletion", "Insertion");
        }
    }

    @Test
    void batchesJoinAsOneRunImagesInOrderCurvesOverAllImages() {
        MethodEvaluation.Scores three = new MethodEvaluation.Scores(Map.of("Complexity", Map.of("GradCAM",
                new double[] {0.1, 0.2, 0.3})), Map.of("GradCAM", new double[] {1, 0.5}), Map.of("GradCAM",
                new double[] {0, 0.6}));
        MethodEvaluation.Scores one = new MethodEvaluation.Scores(Map.of("Complexity", Map.of("GradCAM",
                new double[] {0.4})), Map.of("GradCAM", new double[] {1, 0.1}), Map.of("GradCAM",
                new double[] {0, 1}));
        MethodEvaluation.Scores joined = MethodEvaluation.Scores.join(List.of(three, one), List.of(3, 1));
        assertThat(joined.values().get("Complexity").get("GradCAM")).containsExactly(0.1, 0.2, 0.3, 0.4);
        // the mean of the four images' curves: three at the first batch's mean, one at the second's
        assertThat(joined.deletion().get("GradCAM")).containsExactly(new double[] {1, 0.4}, within(1e-12));
        assertThat(joined.insertion().get("GradCAM")).containsExactly(new double[] {0, 0.7}, within(1e-12));
        assertThat(MethodEvaluation.Scores.join(List.of(three), List.of(3))).isSameAs(three);
    }
}
