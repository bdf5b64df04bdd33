package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.GradientChecks;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.MnistDigits;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Keras TF2 SavedModel from {@code ../shared/fixtures} (no licence: read there, never copied): its layers hide
 * in function calls until inlined, its weights come from the variables checkpoint, BatchNormalization is
 * FusedBatchNormV3. Skipped where {@code ../shared} is absent.
 */
class KerasMnistTest {
    @org.junit.jupiter.api.BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    private static final int DIGITS = 1000;
    private static Path model;
    private static Path digits;

    @BeforeAll
    static void locate() {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures not present");
        model = SharedData.fixtures().get().resolve("0x7a726f-MNIST_model");
        digits = SharedData.fixtures().get().resolve("Baskov-PyTorch-");
        assumeTrue(Files.isRegularFile(model.resolve("saved_model.pb")), "Keras MNIST SavedModel not present");
    }

    /** The model's own preprocessing, tf.keras.utils.normalize(x, axis=1): each column over its rows to unit L2. */
    static Tensor normalised(byte[] px, int n) {
        int s = MnistDigits.SIDE;
        Tensor x = Tensor.zeros(n, s, s, 1);
        for (int i = 0; i < n; i++) {
            for (int col = 0; col < s; col++) {
                double norm = 0;
                for (int row = 0; row < s; row++) {
                    double v = Byte.toUnsignedInt(px[(i * s + row) * s + col]);
                    norm += v * v;
                }
                norm = norm == 0 ? 1 : Math.sqrt(norm);
                for (int row = 0; row < s; row++) {
                    x.put((i * s + row) * s + col, (float) (Byte.toUnsignedInt(px[(i * s + row) * s + col]) / norm));
                }
            }
        }
        return x;
    }

    @Test
    void aSavedModelCopiedWithoutItsVariablesIsAOneLineError(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        Files.copy(model.resolve("saved_model.pb"), bare.resolve("saved_model.pb"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TensorFlowBackend().open(bare,
                org.cam4j.model.ModelOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no variables/variables.index, but its graph holds")
                .hasMessageContaining("copy the whole SavedModel folder")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage().lines()).hasSize(1));
    }

    @Test
    void scoresTheTestDigitsAndGradCamLooksAtThem() throws Exception {
        byte[] px = MnistDigits.images(digits, DIGITS);
        int[] labels = MnistDigits.labels(digits, DIGITS);
        Tensor x = normalised(px, DIGITS);
        try (ExplainableModel m = new TensorFlowBackend().open(model, ModelOptions.defaults())) {
            assertThat(m.layers()).extracting(l -> l.name()).contains("conv2d", "conv2d_1", "conv2d_2",
                    "batch_normalization_2");
            Tensor logits = m.predict(x);
            int correct = 0;
            for (int i = 0; i < DIGITS; i++) {
                correct += logits.slice(i).argmax() == labels[i] ? 1 : 0;
            }
            double accuracy = correct / (double) DIGITS;
            System.out.printf("Keras MNIST SavedModel: accuracy %.3f on the first %d test digits%n", accuracy, DIGITS);
            assertThat(accuracy).isGreaterThanOrEqualTo(0.98);
            // Grad-CAM at conv2d_2 (3 x 3): more of the map's mass on the digit's pixels than their share of the image
            int n = 100;
            Tensor batch = x.rows(0, n).copy();
            int onDigit = 0;
            try (Cam cam = new Cam(m, Methods.get("GradCAM"), List.of("conv2d_2"), CamOptions.defaults())) {
                Tensor maps = cam.compute(batch, Targets.topClass(n)).cams();
                for (int i = 0; i < n; i++) {
                    double mass = 0;
                    double digitMass = 0;
                    int digitPixels = 0;
                    for (int p = 0; p < 28 * 28; p++) {
                        boolean ink = Byte.toUnsignedInt(px[i * 28 * 28 + p]) > 0;
                        mass += maps.at(i * 28 * 28 + p);
                        digitMass += ink ? maps.at(i * 28 * 28 + p) : 0;
                        digitPixels += ink ? 1 : 0;
                    }
                    onDigit += mass > 0 && digitMass / mass > digitPixels / (28.0 * 28) ? 1 : 0;
                }
            }
            System.out.printf("Keras MNIST SavedModel: Grad-CAM at conv2d_2 denser on the digit than off it for %d of"
                    + " %d digits%n", onDigit, n);
            assertThat(onDigit).isGreaterThanOrEqualTo(n * 3 / 4);
        }
    }

    @Test
    void gradientsThroughTheInlinedGraphMatchFiniteDifferences() throws Exception {
        Tensor x = normalised(MnistDigits.images(digits, 2), 2);
        try (ExplainableModel m = new TensorFlowBackend().open(model, ModelOptions.defaults())) {
            GradientChecks.layerGradientMatchesHeadDifferences(m, "conv2d_2",
                    List.of(new ClassifierOutputTarget(7), new ClassifierOutputTarget(2)), x);
            // (conv2d_1 feeds a 2 x 2 max pooling: a step of 1e-2 can cross its ties, so differences are checked
            // where the head is smooth in the step)
            GradientChecks.layerGradientMatchesHeadDifferences(m, "conv2d_2",
                    java.util.Arrays.asList(org.cam4j.targets.Targets.topClass(), new org.cam4j.targets.SoftmaxTarget(3)), x);
        }
    }
}
