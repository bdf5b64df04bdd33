package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.Backends;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.RawScoresTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lambda is a target: its seed by central differences gives the maps of the equivalent built-in target. */
class LambdaTargetTest {
    @TempDir
    Path dir;

    private static Tensor maps(ExplainableModel model, Tensor x, Target a, Target b) {
        try (Cam cam = new Cam(model, Methods.get("GradCAM"), List.of(SyntheticModels.CNN_LAYER),
                CamOptions.defaults())) {
            return cam.compute(x, List.of(a, b)).cams();
        }
    }

    @Test
    void aLambdaTargetGivesTheMapsOfItsBuiltInTwin() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(0.05 * i));
        }
        Tensor weights = Tensor.of(new float[] {0, 1, -1, 0, 0}, 5);
        try (ExplainableModel model = Backends.choose(file, null).open(file, ModelOptions.defaults())) {
            Target logit = out -> out.at(3);
            Target difference = out -> out.at(1) - out.at(2);
            Tensor lambdas = maps(model, x, logit, difference);
            Tensor builtIn = maps(model, x, new ClassifierOutputTarget(3), new RawScoresTarget(weights));
            assertThat(lambdas.maxAbsDiff(builtIn)).isLessThan(1e-4);
            assertThat(logit.seed(Tensor.of(new float[] {0.5f, -2, 7, 1, 3}, 5)).get(3)).isCloseTo(1f,
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
    }
}
