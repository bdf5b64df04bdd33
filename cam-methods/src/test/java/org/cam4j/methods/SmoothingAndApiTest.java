package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.tensor.Layout;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmoothingAndApiTest {
    @TempDir
    Path dir;

    private Path cnn() throws Exception {
        Path f = dir.resolve("cnn.onnx");
        Files.write(f, SyntheticModels.cnn(21).toByteArray());
        return f;
    }

    private static Tensor input(long seed) {
        return TestInputs.gaussian(seed, 2, 3, 16, 16);
    }

    @Test
    void augSmoothIsTheMeanOfTheSixAugmentedRuns() throws Exception {
        Tensor x = input(5);
        List<Target> targets = Targets.classes(2, List.of(1, 3));
        try (Cam plain = Cam.open(cnn(), "GradCAMPlusPlus", SyntheticModels.CNN_LAYER);
             Cam smooth = new Cam(plain.model(), plain.method(), List.of(SyntheticModels.CNN_LAYER),
                     CamOptions.defaults().withAugSmooth(true))) {
            Tensor expected = Tensor.zeros(2, 16, 16);
            for (boolean flip : new boolean[] {false, true}) {
                for (float factor : new float[] {0.9f, 1.0f, 1.1f}) {
                    Tensor aug = flip ? Cam.flipWidth(x, Layout.NCHW) : x.copy();
                    for (int i = 0; i < aug.size(); i++) {
                        aug.put(i, aug.at(i) * factor);
                    }
                    Tensor cams = plain.compute(aug, targets).cams();
                    if (flip) {
                        cams = Cam.flipWidth(cams.reshape(2, 1, 16, 16), Layout.NCHW).reshape(2, 16, 16);
                    }
                    for (int i = 0; i < expected.size(); i++) {
                        expected.put(i, expected.at(i) + cams.at(i) / 6f);
                    }
                }
            }
            assertThat(smooth.compute(x, targets).cams().maxAbsDiff(expected)).isLessThan(1e-6);
        }
    }

    @Test
    void eigenSmoothOnlyWhereTheMethodUsesIt() throws Exception {
        try (Cam cam = Cam.open(cnn(), "LayerCAM", SyntheticModels.CNN_LAYER)) {
            Tensor smooth = new Cam(cam.model(), cam.method(), List.of(SyntheticModels.CNN_LAYER),
                    CamOptions.defaults().withEigenSmooth(true)).compute(input(1), Targets.topClass(2)).cams();
            assertThat(smooth.shape()).containsExactly(2, 16, 16);
            assertThatThrownBy(() -> new Cam(cam.model(), new EigenCam(), List.of(SyntheticModels.CNN_LAYER),
                    CamOptions.defaults().withEigenSmooth(true))).hasMessageContaining("eigen");
        }
    }

    @Test
    void everyMethodRunsOnBatchesAndSeveralLayers() throws Exception {
        try (Cam any = Cam.open(cnn(), "GradCAM", "relu2", SyntheticModels.CNN_LAYER)) {
            for (var method : org.cam4j.spi.Methods.registry().all()) {
                if (method.getClass().getPackageName().equals("org.cam4j.methods")) {
                    Tensor cams = new Cam(any.model(), method, List.of("relu2", SyntheticModels.CNN_LAYER),
                            CamOptions.defaults().withBatchSize(5)).compute(input(2), Targets.topClass(2)).cams();
                    assertThat(cams.shape()).as(method.name()).containsExactly(2, 16, 16);
                    assertThat(cams.max()).as(method.name()).isLessThanOrEqualTo(1f);
                    assertThat(cams.min()).as(method.name()).isGreaterThanOrEqualTo(0f);
                }
            }
        }
    }

    @Test
    void badOptionsAndInputs() throws Exception {
        try (Cam cam = Cam.open(cnn(), "GradCAM", "relu2")) {
            assertThatThrownBy(() -> cam.compute(Tensor.zeros(0, 3, 16, 16), List.of()))
                    .hasMessageContaining("non-empty");
            assertThatThrownBy(() -> CamOptions.defaults().withBatchSize(-1)).hasMessageContaining("batch size");
            org.assertj.core.api.Assertions.assertThat(CamOptions.defaults().withBatchSize(CamOptions.AUTO_BATCH_SIZE)
                    .batchSizeOr(() -> 32)).isEqualTo(32);
        }
    }
}
