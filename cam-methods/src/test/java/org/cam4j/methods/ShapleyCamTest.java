package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cam4j.testdata.OnnxModelBuilder.i;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.LayerData;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
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
        Tensor x = TestInputs.gaussian(2, 2, 3, 6, 6);
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
        Tensor x = TestInputs.gaussian(5, 2, 3, 16, 16);
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

    /**
     * On a piecewise-linear head (global pooling and a dense layer after the layer) with softmax and ReST targets,
     * H A = J^T (d2S/dy2) (J A) with J A = W mean(A): computed here from the model's own weights, independently.
     */
    @Test
    void nonLinearTargetsOnAPiecewiseLinearHeadGetTheExactHessianProduct() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto proto = org.cam4j.testdata.SyntheticModels.cnn(11);
        float[] w = initializer(proto, "fc.w");
        float[] bias = initializer(proto, "fc.b");
        Path file = dir.resolve("cnn.onnx");
        Files.write(file, proto.toByteArray());
        Tensor x = TestInputs.gaussian(5, 2, 3, 16, 16);
        String name = org.cam4j.testdata.SyntheticModels.CNN_LAYER;
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            assertThat(model.headIsPiecewiseLinear(name)).isTrue();
            for (Target t : List.of(new org.cam4j.targets.SoftmaxTarget(1), new org.cam4j.targets.ReStTarget(3))) {
                List<Target> targets = List.of(t, t);
                ForwardResult f = model.forward(x, List.of(name), targets, true);
                LayerData layer = new LayerData(name, f.activation(name), f.gradient(name));
                CamContext ctx = new CamContext(x, targets, f, model, CamOptions.defaults());
                Tensor hvp = ShapleyCam.hessianTimesActivations(layer, ctx, 1e-3);
                Tensor a = f.activation(name);
                int channels = a.dim(1);
                int hw = a.dim(2) * a.dim(3);
                double scale = 0;
                double worst = 0;
                for (int i = 0; i < 2; i++) {
                    float[] mean = new float[channels];
                    for (int c = 0; c < channels; c++) {
                        for (int p = 0; p < hw; p++) {
                            mean[c] += a.at((i * channels + c) * hw + p) / hw;
                        }
                    }
                    float[] y = new float[5];
                    float[] ja = new float[5];
                    for (int k = 0; k < 5; k++) {
                        for (int c = 0; c < channels; c++) {
                            ja[k] += w[k * channels + c] * mean[c];
                        }
                        y[k] = ja[k] + bias[k];
                    }
                    Tensor u = t.hessianTimes(Tensor.of(y, 5), Tensor.of(ja, 5));
                    for (int c = 0; c < channels; c++) {
                        double expected = 0;
                        for (int k = 0; k < 5; k++) {
                            expected += w[k * channels + c] * u.at(k) / hw;
                        }
                        scale = Math.max(scale, Math.abs(expected));
                        for (int p = 0; p < hw; p++) {
                            worst = Math.max(worst, Math.abs(hvp.at((i * channels + c) * hw + p) - expected));
                        }
                    }
                }
                assertThat(scale).as(t.toString()).isGreaterThan(1e-4);
                assertThat(worst).as(t.toString()).isLessThan(1e-4 * scale + 1e-7);
            }
        }
    }

    @Test
    void targetHessiansEqualDifferencesOfTheirSeeds() {
        Tensor y = Tensor.of(new float[] {0.3f, -1.2f, 2.0f, 0.5f}, 4);
        Tensor v = Tensor.of(new float[] {0.7f, 0.1f, -0.4f, 1.3f}, 4);
        for (Target t : List.of(new org.cam4j.targets.SoftmaxTarget(2), new org.cam4j.targets.ReStTarget(0))) {
            Tensor hv = t.hessianTimes(y, v);
            double h = 1e-3;
            Tensor plus = y.copy();
            Tensor minus = y.copy();
            for (int j = 0; j < 4; j++) {
                plus.put(j, (float) (y.at(j) + h * v.at(j)));
                minus.put(j, (float) (y.at(j) - h * v.at(j)));
            }
            Tensor sp = t.seed(plus);
            Tensor sm = t.seed(minus);
            for (int j = 0; j < 4; j++) {
                assertThat((double) hv.at(j)).as("%s %d", t, j)
                        .isCloseTo((sp.at(j) - sm.at(j)) / (2 * h), org.assertj.core.data.Offset.offset(2e-3));
            }
        }
        assertThat(new org.cam4j.targets.ClassifierOutputTarget(1).hessianTimes(y, v).max()).isZero();
    }

    /**
     * On a smooth head (attention, GELU, LayerNorm after the layer), the second backward pass equals central
     * differences of head gradients (exact up to the differences' own error), for a class logit and a softmax.
     */
    @Test
    void secondBackwardPassEqualsDifferencesOnASmoothHead() throws Exception {
        Path file = dir.resolve("tokens.onnx");
        Files.write(file, org.cam4j.testdata.SyntheticModels.tokens(3).toByteArray());
        Tensor x = TestInputs.gaussian(8, 2, 3, 16, 16);
        String name = org.cam4j.testdata.SyntheticModels.TOKEN_LAYER;
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            for (List<Target> targets : List.of(Targets.classes(2, List.of(1, 3)),
                    List.<Target>of(new org.cam4j.targets.SoftmaxTarget(0), new org.cam4j.targets.ReStTarget(2)))) {
                ForwardResult f = model.forward(x, List.of(name), targets, true);
                Tensor a = f.activation(name);
                Tensor exact = model.hessianVectorProduct(name, a, new int[] {0, 1}, f, targets, a);
                Tensor fd = Tensor.zeros(a.shape());
                double eps = 1e-2;
                Tensor plus = a.copy();
                Tensor minus = a.copy();
                for (int k = 0; k < a.size(); k++) {
                    plus.put(k, (float) (a.at(k) * (1 + eps)));
                    minus.put(k, (float) (a.at(k) * (1 - eps)));
                }
                Tensor gp = model.headGradient(name, plus, new int[] {0, 1}, f, targets);
                Tensor gm = model.headGradient(name, minus, new int[] {0, 1}, f, targets);
                double scale = 0;
                double worst = 0;
                for (int k = 0; k < a.size(); k++) {
                    double d = (gp.at(k) - gm.at(k)) / (2 * eps);
                    scale = Math.max(scale, Math.abs(d));
                    worst = Math.max(worst, Math.abs(exact.at(k) - d));
                }
                assertThat(scale).as(targets.toString()).isGreaterThan(1e-4);
                assertThat(worst).as(targets.toString()).isLessThan(2e-3 * scale);
            }
        }
    }

    private static float[] initializer(ai.onnx.proto.OnnxMl.ModelProto proto, String name) {
        ai.onnx.proto.OnnxMl.TensorProto t = proto.getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        java.nio.FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }
}
