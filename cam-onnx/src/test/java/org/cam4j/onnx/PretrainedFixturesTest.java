package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real pretrained MNIST CNNs from {@code ../shared/fixtures} (one an opset-9 fixed-batch-1 export, one ending in
 * LogSoftmax): accuracy on the first 1000 test digits, and gradients at their suggested target layers.
 */
class PretrainedFixturesTest {
    private static final int DIGITS = 1000;

    /** The first {@code n} MNIST test images as n x 1 x 28 x 28 pixel values 0..255. */
    static Tensor mnistImages(Path dir, int n) throws IOException {
        byte[] px = org.cam4j.testdata.MnistDigits.images(dir, n);
        Tensor t = Tensor.zeros(n, 1, org.cam4j.testdata.MnistDigits.SIDE, org.cam4j.testdata.MnistDigits.SIDE);
        for (int i = 0; i < px.length; i++) {
            t.put(i, Byte.toUnsignedInt(px[i]));
        }
        return t;
    }

    static int[] mnistLabels(Path dir, int n) throws IOException {
        return org.cam4j.testdata.MnistDigits.labels(dir, n);
    }

    @org.junit.jupiter.api.Test
    void cifarResNet8GradientsMatchHeadDifferences() throws Exception {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures not present");
        java.util.Random r = new java.util.Random(5);
        Tensor x = Tensor.zeros(2, 3, 32, 32);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, r.nextInt(256));
        }
        try (OnnxModel model = new OnnxBackend().open(SharedData.fixtures().get()
                .resolve("derived/pretrainedResnet_cifar10.onnx"), ModelOptions.defaults())) {
            OnnxModelTest.layerGradientMatchesHeadDifferences(model, "activation_6",
                    List.of(new org.cam4j.targets.ClassifierOutputTarget(3), new org.cam4j.targets.ClassifierOutputTarget(5)), x);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "Baskov-PyTorch-/mnist-8.onnx, 0.00784313725, -1, /relu_1/Relu_output_0, false",
        "RuiyangJu-MNIST-CANVAS/model.onnx, 0.00392156863, 0, 21, false",
        "oracle-tribuo/pytorch_cnn_mnist.onnx, 1, 0, 14, true",
    })
    void pretrainedMnistModelsClassifyAndExplain(String file, double scale, double shift, String layer,
                                                 boolean saturated) throws Exception {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures not present");
        Path fixtures = SharedData.fixtures().get();
        Path data = fixtures.resolve("Baskov-PyTorch-");
        Tensor x = mnistImages(data, DIGITS);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) (x.at(i) * scale + shift));
        }
        int[] labels = mnistLabels(data, DIGITS);
        try (OnnxModel model = new OnnxBackend().open(fixtures.resolve(file), ModelOptions.defaults())) {
            Tensor logits = model.predict(x);
            int correct = 0;
            for (int i = 0; i < DIGITS; i++) {
                correct += logits.slice(i).argmax() == labels[i] ? 1 : 0;
            }
            System.out.printf("%s: accuracy %.3f on the first %d MNIST test digits%n", file, correct / (double) DIGITS,
                    DIGITS);
            assertThat(correct / (double) DIGITS).isGreaterThanOrEqualTo(0.98);
            Tensor few = x.rows(0, 4).copy();
            ForwardResult r = model.forward(few, List.of(layer), Targets.classes(4, List.of(labels[0], labels[1],
                    labels[2], labels[3])), true);
            Tensor g = r.gradient(layer);
            assertThat(g.rank()).isEqualTo(4);
            // the Tribuo model ends in LogSoftmax(Relu(.)): on confident digits p = 1.0f exactly, so the
            // gradient of log p is exactly 0 (torch gives the same); the others must carry a signal
            if (!saturated) {
                assertThat(Math.max(g.max(), -g.min())).isGreaterThan(0f);
            }
            for (int i = 0; i < g.size(); i++) {
                assertThat(Float.isFinite(g.at(i))).isTrue();
            }
        }
    }
}
