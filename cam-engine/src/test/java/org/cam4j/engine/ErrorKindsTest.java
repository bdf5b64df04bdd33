package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.errors.CamException;
import org.cam4j.errors.InvalidInputException;
import org.cam4j.errors.InvalidModelException;
import org.cam4j.errors.MethodFailedException;
import org.cam4j.errors.UnsupportedModelException;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library caller meets each kind of error as its own type, all of them {@link CamException}s: a model that cannot
 * be read, an input or name that does not fit, a model that cannot be explained as asked, a method whose computation
 * failed.
 */
class ErrorKindsTest {
    @TempDir
    Path dir;

    private Path cnn() throws Exception {
        return Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
    }

    @Test
    void aModelThatCannotBeReadIsAnInvalidModel() throws Exception {
        byte[] whole = SyntheticModels.cnn(3).toByteArray();
        Path truncated = Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(whole, whole.length / 3));
        assertThatThrownBy(() -> Explainer.builder(truncated).layers(SyntheticModels.CNN_LAYER).build())
                .isInstanceOf(InvalidModelException.class).isInstanceOf(CamException.class)
                .hasMessageContaining("truncated.onnx");
    }

    @Test
    void anUnknownLayerOrAMisfitInputIsAnInvalidInput() throws Exception {
        assertThatThrownBy(() -> Explainer.builder(cnn()).layers("no_such_layer").method("GradCAM").build()
                .explain(Tensor.zeros(1, 3, 16, 16), List.of(Targets.topClass())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no_such_layer");
        Path junk = Files.writeString(dir.resolve("junk.npy"), "not an array");
        assertThatThrownBy(() -> Npy.read(junk)).isInstanceOf(InvalidInputException.class);
        try (Explainer explainer = Explainer.builder(cnn()).layers(SyntheticModels.CNN_LAYER).build()) {
            assertThatThrownBy(() -> explainer.explain(Tensor.zeros(2, 3, 16, 16), List.of(Targets.topClass())))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("targets");
        }
    }

    /** The Java door reads a method's options by the rule of the others: a key the method does not read is refused. */
    @Test
    void anOptionTheMethodDoesNotReadIsAnInvalidInput() throws Exception {
        Path model = cnn();
        assertThatThrownBy(() -> Explainer.builder(model).layers(SyntheticModels.CNN_LAYER).method("GradCAM")
                .options(org.cam4j.spi.CamOptions.defaults().withExtra(java.util.Map.of("k", "2"))).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown option 'k' for GradCAM; these methods take no options");
        assertThatThrownBy(() -> Explainer.builder(model).layers(SyntheticModels.CNN_LAYER).method("FEM")
                .options(org.cam4j.spi.CamOptions.defaults().withBatchSize(5000)).buildDetector())
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("batchSize must be between 1 and 1024, got 5000");
        try (Explainer fem = Explainer.builder(model).layers(SyntheticModels.CNN_LAYER).method("FEM")
                .options(org.cam4j.spi.CamOptions.defaults().withExtra(java.util.Map.of("k", "1"))).build()) {
            org.assertj.core.api.Assertions.assertThat(fem.explain(Tensor.zeros(1, 3, 16, 16),
                    List.of(Targets.topClass()))).hasSize(1);
        }
    }

    @Test
    void nonFiniteValuesAreAFailedMethod() throws Exception {
        Tensor input = Tensor.zeros(1, 3, 16, 16);
        input.put(5, Float.NaN);
        try (Explainer explainer = Explainer.builder(cnn()).layers(SyntheticModels.CNN_LAYER).build()) {
            assertThatThrownBy(() -> explainer.explain(input, List.of(Targets.topClass())))
                    .isInstanceOf(MethodFailedException.class).hasMessageContaining("NaN");
        }
    }

    @Test
    void anOperatorWithoutAGradientRuleIsAnUnsupportedModel() throws Exception {
        // conv, ReLU ("feat"), pooling, then a cumulative sum (no gradient rule) before the classifier
        org.cam4j.testdata.OnnxModelBuilder b = new org.cam4j.testdata.OnnxModelBuilder(17, 5);
        b.input("input", -1, 3, 16, 16);
        String conv = b.node("Conv", "conv", new String[] {"input", b.random("w", 0.3f, 0, 4, 3, 3, 3)},
                org.cam4j.testdata.OnnxModelBuilder.ints("pads", 1, 1, 1, 1));
        String feat = b.node("Relu", "feat", new String[] {conv});
        String flat = b.node("Flatten", "flatten", new String[] {b.node("GlobalAveragePool", "gap",
                new String[] {feat})});
        String summed = b.node("CumSum", "cumsum", new String[] {flat, b.longScalar("axis", 1)});
        b.node("Gemm", "logits", new String[] {summed, b.random("fc", 0.5f, 0, 3, 4)},
                org.cam4j.testdata.OnnxModelBuilder.i("transB", 1));
        b.output("logits", -1, 3);
        Path model = Files.write(dir.resolve("cumsum.onnx"), b.build().toByteArray());
        try (Explainer explainer = Explainer.builder(model).layers("feat").method("GradCAM").build()) {
            assertThatThrownBy(() -> explainer.explain(Tensor.zeros(1, 3, 16, 16), List.of(Targets.topClass())))
                    .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("CumSum");
        }
    }
}
