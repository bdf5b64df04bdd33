package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cam4j.testdata.OnnxModelBuilder.i;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.pipeline.CamContext;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.pipeline.LayerData;
import org.cam4j.target.Target;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShapleyCAM's Hessian-vector product against a head whose Hessian is known in closed form. */
class ShapleyCamTest {
    @TempDir
    Path dir;

    @Test
    void hessianVectorProductOfAQuadraticHeadIsExact() throws Exception {
        // head: S = sum_c W[k, c] * mean_hw(A_c^2), so g = 2 W A / hw and H A = 2 W A / hw = g
        OnnxModelBuilder b = new OnnxModelBuilder(17, 4);
        b.input("input", -1, 3, 6, 6);
        String a = b.node("Conv", "layer", new String[] {"input", b.random("w", 0.4f, 0, 4, 3, 3, 3)},
                OnnxModelBuilder.ints("pads", 1, 1, 1, 1));
        String sq = b.node("Mul", "square", new String[] {a, a});
        String pooled = b.node("Flatten", "flat", new String[] {b.node("GlobalAveragePool", "gap", new String[] {sq})},
                i("axis", 1));
        b.node("Gemm", "logits", new String[] {pooled, b.random("fc", 0.5f, 0, 3, 4)}, i("transB", 1));
        b.output("logits", -1, 3);
        Path file = dir.resolve("quadratic.onnx");
        Files.write(file, b.build().toByteArray());
        Random r = new Random(2);
        Tensor x = Tensor.zeros(2, 3, 6, 6);
        for (int k = 0; k < x.size(); k++) {
            x.put(k, (float) r.nextGaussian());
        }
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            List<Target> targets = Targets.classes(2, List.of(0, 2));
            ForwardResult f = model.forward(x, List.of("layer"), targets, true);
            LayerData layer = new LayerData("layer", f.activation("layer"), f.gradient("layer"));
            CamContext ctx = new CamContext(x, targets, f, model, CamOptions.defaults());
            Tensor hvp = ShapleyCam.hessianTimesActivations(layer, ctx, 1e-3);
            Tensor g = f.gradient("layer");
            assertThat(hvp.maxAbsDiff(g)).isLessThan(2e-3 * Math.max(g.max(), -g.min()));
            Tensor w = new ShapleyCam().weights(layer, ctx);
            Tensor gradCam = new GradCam().weights(layer, ctx);
            for (int k = 0; k < w.size(); k++) {
                assertThat((double) w.at(k)).isCloseTo(0.5 * gradCam.at(k),
                        org.assertj.core.api.Assertions.within(1e-3 * Math.abs(gradCam.max()) + 1e-6));
            }
        }
    }

    @Test
    void aPiecewiseLinearHeadGivesExactlyGradCam() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), org.cam4j.testdata.SyntheticModels.cnn(6).toByteArray());
        Path tokens = Files.write(dir.resolve("tokens.onnx"), org.cam4j.testdata.SyntheticModels.tokens(6).toByteArray());
        Random r = new Random(5);
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int k = 0; k < x.size(); k++) {
            x.put(k, (float) r.nextGaussian());
        }
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults());
             OnnxModel attention = new OnnxBackend().open(tokens, ModelOptions.defaults())) {
            assertThat(model.headIsPiecewiseLinear(org.cam4j.testdata.SyntheticModels.CNN_LAYER)).isTrue();
            assertThat(model.headIsPiecewiseLinear("relu1")).isTrue();
            assertThat(attention.headIsPiecewiseLinear(org.cam4j.testdata.SyntheticModels.TOKEN_LAYER)).isFalse();
            List<Target> targets = Targets.classes(2, List.of(1, 3));
            for (String layer : List.of(org.cam4j.testdata.SyntheticModels.CNN_LAYER, "relu1")) {
                try (org.cam4j.pipeline.Cam shapley = new org.cam4j.pipeline.Cam(model, new ShapleyCam(), List.of(layer),
                        CamOptions.defaults());
                     org.cam4j.pipeline.Cam gradCam = new org.cam4j.pipeline.Cam(model, new GradCam(), List.of(layer),
                             CamOptions.defaults())) {
                    assertThat(shapley.compute(x, targets).cams().maxAbsDiff(gradCam.compute(x, targets).cams()))
                            .as(layer).isZero();
                }
            }
        }
    }
}
