package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cam4j.model.SecondOrder;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same network with the same weights as an ONNX file and as a function-wrapped TF2 SavedModel: outputs and every
 * method the TensorFlow backend can run give the same CAMs (within 1e-4) on both backends.
 */
class CrossBackendTest {
    @org.junit.jupiter.api.BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    @TempDir
    Path dir;

    /** The synthetic CNN as ONNX and as its TensorFlow twin, and a random batch in both layouts. */
    private record Twins(Path onnx, Path saved, Tensor nchw, Tensor nhwc) {
    }

    private Twins twins(long inputSeed) throws Exception {
        var onnx = SyntheticModels.cnn(21);
        Path onnxFile = Files.write(dir.resolve("cnn.onnx"), onnx.toByteArray());
        Path saved = TwinSavedModel.write(onnx, dir.resolve("cnn_saved"));
        Random r = new Random(inputSeed);
        Tensor nchw = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < nchw.size(); i++) {
            nchw.put(i, (float) r.nextGaussian());
        }
        return new Twins(onnxFile, saved, nchw, nchw.transpose(0, 2, 3, 1));
    }

    @Test
    void everyMethodAgreesBetweenOnnxAndTensorFlow() throws Exception {
        Twins tw = twins(4);
        Tensor nchw = tw.nchw();
        Tensor nhwc = tw.nhwc();
        List<Target> targets = java.util.Arrays.asList(new ClassifierOutputTarget(2), org.cam4j.targets.Targets.topClass());
        try (ExplainableModel o = new OnnxBackend().open(tw.onnx(), ModelOptions.defaults());
             ExplainableModel t = new TensorFlowBackend().open(tw.saved(), ModelOptions.defaults())) {
            assertThat(t.input().layout()).isEqualTo(org.cam4j.tensor.Layout.NHWC);
            assertThat(t.predict(nhwc).maxAbsDiff(o.predict(nchw))).as("logits").isLessThan(1e-5);
            int compared = 0;
            for (CamMethod m : Methods.registry().all()) {
                if (!t.capabilities().containsAll(m.needs())) {
                    System.out.println("cross-backend: " + m.name() + " needs " + m.needs() + ", not offered by TensorFlow");
                    continue;
                }
                for (String layer : List.of(SyntheticModels.CNN_LAYER, "relu1")) {
                    Tensor a;
                    Tensor b;
                    try (Cam co = new Cam(o, m, List.of(layer), CamOptions.defaults().withBatchSize(16));
                         Cam ct = new Cam(t, m, List.of(layer), CamOptions.defaults().withBatchSize(16))) {
                        a = co.compute(nchw, targets).cams();
                        b = ct.compute(nhwc, targets).cams();
                    }
                    double delta = a.maxAbsDiff(b);
                    System.out.printf("cross-backend %s at %s: max |delta| %.2e%n", m.name(), layer, delta);
                    assertThat(delta).as("%s at %s", m.name(), layer).isLessThan(1e-4);
                    compared++;
                }
            }
            assertThat(compared).isGreaterThanOrEqualTo(26);
            // guided backpropagation: TensorFlow's through its guided graph copy, ONNX's through the guided rule
            Tensor guidedOnnx = org.cam4j.methods.GuidedBackprop.compute(o, nchw, targets);
            Tensor guidedTf = org.cam4j.methods.GuidedBackprop.compute(t, nhwc, targets);
            double scale = Math.max(guidedOnnx.max(), -guidedOnnx.min());
            System.out.printf("cross-backend guided backprop: max |delta| %.2e of %.2e%n",
                    guidedOnnx.maxAbsDiff(guidedTf), scale);
            assertThat(guidedOnnx.maxAbsDiff(guidedTf)).isLessThan(1e-5 * Math.max(1, scale));
            assertThat(scale).isPositive();
        }
    }

    /** Both backends' second backward passes (ONNX's graph rewrite, TensorFlow's own gradients of gradients) agree. */
    @Test
    void hessianVectorProductsAgreeBetweenOnnxAndTensorFlow() throws Exception {
        Twins tw = twins(6);
        Tensor nchw = tw.nchw();
        Tensor nhwc = tw.nhwc();
        for (List<Target> targets : List.of(List.<Target>of(new ClassifierOutputTarget(2), new ClassifierOutputTarget(0)),
                List.<Target>of(new org.cam4j.targets.SoftmaxTarget(2), new org.cam4j.targets.ReStTarget(1)))) {
            try (ExplainableModel o = new OnnxBackend().open(tw.onnx(), ModelOptions.defaults());
                 ExplainableModel t = new TensorFlowBackend().open(tw.saved(), ModelOptions.defaults())) {
                // TensorFlow's C++ gradients have none for MaxPoolGradV2: below the pooling it reports the pass as
                // unsupported (ShapleyCAM then uses differences, compared in the test above)
                var below = t.forward(nhwc, List.of("relu1"), targets, true);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.capability(SecondOrder.class).hessianVectorProduct("relu1",
                        below.activation("relu1"), new int[] {0, 1}, below, targets, below.activation("relu1")))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("MaxPoolGradV2");
                for (String layer : List.of(SyntheticModels.CNN_LAYER)) {
                    var fo = o.forward(nchw, List.of(layer), targets, true);
                    var ft = t.forward(nhwc, List.of(layer), targets, true);
                    Tensor a = fo.activation(layer);
                    Tensor ho = o.capability(SecondOrder.class).hessianVectorProduct(layer, a, new int[] {0, 1}, fo, targets, a);
                    Tensor ht = t.capability(SecondOrder.class).hessianVectorProduct(layer, ft.activation(layer), new int[] {0, 1}, ft, targets,
                            ft.activation(layer));
                    double scale = Math.max(1e-6, Math.max(ho.max(), -ho.min()));
                    System.out.printf("cross-backend HVP %s at %s: max |delta| %.2e of %.2e%n", targets, layer,
                            ho.maxAbsDiff(ht), scale);
                    assertThat(ho.maxAbsDiff(ht)).as("%s at %s", targets, layer).isLessThan(1e-4 * scale + 1e-7);
                }
            }
        }
    }
}
