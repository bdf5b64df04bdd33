package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cam4j.model.MaskedForward;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.LayerInfo;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.SoftmaxTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend on the generated models: layer gradients against finite differences through the head graph. */
class OnnxModelTest {
    @TempDir
    Path dir;

    private OnnxModel open(ai.onnx.proto.OnnxMl.ModelProto proto, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, proto.toByteArray());
        return new OnnxBackend().open(file, ModelOptions.defaults());
    }

    private static Tensor randomInput(int n, long seed) {
        Random r = new Random(seed);
        Tensor x = Tensor.zeros(n, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) r.nextGaussian());
        }
        return x;
    }

    /** d(score)/d(activation) from the augmented graph equals central differences of the head graph's score. */
    static void layerGradientMatchesHeadDifferences(OnnxModel model, String layer, List<Target> targets) {
        layerGradientMatchesHeadDifferences(model, layer, targets, randomInput(2, 7));
    }

    static void layerGradientMatchesHeadDifferences(OnnxModel model, String layer, List<Target> targets, Tensor x) {
        org.cam4j.model.GradientChecks.layerGradientMatchesHeadDifferences(model, layer, targets, x);
    }

    @Test
    void cnnLayerGradients() throws Exception {
        try (OnnxModel model = open(SyntheticModels.cnn(11), "cnn.onnx")) {
            layerGradientMatchesHeadDifferences(model, SyntheticModels.CNN_LAYER,
                    java.util.Arrays.asList(new ClassifierOutputTarget(3), org.cam4j.targets.Targets.topClass()));
            layerGradientMatchesHeadDifferences(model, "relu1", List.of(new SoftmaxTarget(1), new SoftmaxTarget(4)));
        }
    }

    @Test
    void tokenLayerGradientsThroughAttentionWithResidualCut() throws Exception {
        try (OnnxModel model = open(SyntheticModels.tokens(12), "tokens.onnx")) {
            ForwardResult r = model.forward(randomInput(2, 1), List.of(SyntheticModels.TOKEN_LAYER),
                    Targets.topClass(2), true);
            assertThat(r.activation(SyntheticModels.TOKEN_LAYER).shape()).containsExactly(2, 8, 4, 4);
            layerGradientMatchesHeadDifferences(model, SyntheticModels.TOKEN_LAYER,
                    List.of(new ClassifierOutputTarget(2), new ClassifierOutputTarget(0)));
        }
    }

    @Test
    void topClassTargetIsResolvedInsideTheGraph() throws Exception {
        try (OnnxModel model = open(SyntheticModels.cnn(5), "cnn.onnx")) {
            Tensor x = randomInput(2, 9);
            Tensor logits = model.predict(x);
            List<Target> explicit = Targets.resolve(Targets.topClass(2), logits);
            ForwardResult implicit = model.forward(x, List.of("relu2"), Targets.topClass(2), true);
            ForwardResult given = model.forward(x, List.of("relu2"), explicit, true);
            assertThat(implicit.gradient("relu2").maxAbsDiff(given.gradient("relu2"))).isZero();
            assertThat(given.gradient("relu2").max()).isGreaterThan(0f);
        }
    }

    @Test
    void inputGradientsAndGuidedBackprop() throws Exception {
        try (OnnxModel model = open(SyntheticModels.cnn(5), "cnn.onnx")) {
            Tensor x = randomInput(1, 4);
            List<Target> t = List.of(new ClassifierOutputTarget(2));
            Tensor g = model.inputGradient(x, t, false);
            Tensor guided = model.inputGradient(x, t, true);
            assertThat(g.shape()).containsExactly(1, 3, 16, 16);
            double h = 1e-2;
            for (int j : new int[] {0, 100, 517, 700}) {
                Tensor plus = x.copy();
                plus.put(j, plus.at(j) + (float) h);
                Tensor minus = x.copy();
                minus.put(j, minus.at(j) - (float) h);
                double fd = (model.predict(plus).get(0, 2) - model.predict(minus).get(0, 2)) / (2 * h);
                assertThat((double) g.at(j)).isCloseTo(fd, within(2e-3 + 2e-2 * Math.abs(fd)));
            }
            assertThat(guided.maxAbsDiff(g)).isGreaterThan(0);
        }
    }

    @Test
    void inGraphMaskingEqualsHostMaskingAndPrefixEqualsFullActivations() throws Exception {
        try (OnnxModel model = open(SyntheticModels.cnn(8), "cnn.onnx")) {
            Tensor x = randomInput(2, 3);
            Random r = new Random(1);
            Tensor masks = Tensor.zeros(5, 16, 16);
            for (int i = 0; i < masks.size(); i++) {
                masks.put(i, r.nextFloat());
            }
            int[] source = {1, 0, 1, 1, 0};
            Tensor inGraph = model.forwardMasked(x, masks, source);
            Tensor onHost = MaskedForward.run(new HostMasking(model), x, masks, source);
            assertThat(inGraph.maxAbsDiff(onHost)).isLessThan(1e-5);
            ForwardResult prefix = model.activations(x, List.of("relu2"));
            ForwardResult full = model.forward(x, List.of("relu2"), Targets.topClass(2), false);
            assertThat(prefix.output()).isNull();
            assertThat(prefix.activation("relu2").maxAbsDiff(full.activation("relu2"))).isZero();
        }
    }

    /** The interface's host-side masking around a model's plain predict. */
    private record HostMasking(OnnxModel model) implements org.cam4j.model.ExplainableModel {
        public org.cam4j.tensor.TensorInfo input() {
            return model.input();
        }

        public org.cam4j.tensor.TensorInfo output() {
            return model.output();
        }

        public List<LayerInfo> layers() {
            return model.layers();
        }

        public Tensor predict(Tensor input) {
            return model.predict(input);
        }

        public ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients) {
            return model.forward(input, layers, targets, gradients);
        }

        public java.util.Set<org.cam4j.model.Capability> capabilities() {
            return model.capabilities();
        }

        public void close() {
        }
    }

    @Test
    void aLayerWhoseOnlyConsumerIsAReluIsSeenAfterItAsPytorchGradCamDoes() throws Exception {
        Path file = dir.resolve("cnn.onnx");
        Files.write(file, SyntheticModels.cnn(6).toByteArray());
        Tensor x = randomInput(2, 4);
        try (OnnxModel view = new OnnxBackend().open(file, ModelOptions.defaults());
             OnnxModel plain = new OnnxBackend().open(file, new ModelOptions("cpu", 0, null, false))) {
            ForwardResult conv = view.forward(x, List.of("conv2"), Targets.topClass(2), true);
            ForwardResult relu = view.forward(x, List.of("relu2"), Targets.topClass(2), true);
            ForwardResult raw = plain.forward(x, List.of("conv2"), Targets.topClass(2), true);
            assertThat(conv.activation("conv2").maxAbsDiff(relu.activation("relu2"))).isZero();
            assertThat(raw.activation("conv2").min()).isLessThan(0f);
            assertThat(conv.gradient("conv2").maxAbsDiff(raw.gradient("conv2"))).isZero();
            assertThat(view.activations(x, List.of("conv2")).activation("conv2")
                    .maxAbsDiff(relu.activation("relu2"))).isZero();
        }
    }

    @Test
    void symbolicImageSizesRebuildTheGraphsForEachSize() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto fixed = SyntheticModels.cnn(4);
        var in = fixed.getGraph().getInput(0).toBuilder();
        var shape = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.setDim(2, shape.getDim(2).toBuilder().clearDimValue().setDimParam("h"));
        shape.setDim(3, shape.getDim(3).toBuilder().clearDimValue().setDimParam("w"));
        ai.onnx.proto.OnnxMl.ModelProto symbolic = fixed.toBuilder().setGraph(fixed.getGraph().toBuilder()
                .setInput(0, in)).build();
        Path file = dir.resolve("symbolic.onnx");
        Files.write(file, symbolic.toByteArray());
        // conv2 is a pre-ReLU map (no exact zeros, so no ReLU kink inside the difference step), seen raw
        try (OnnxModel model = new OnnxBackend().open(file, new ModelOptions("cpu", 0, null, false))) {
            for (int size : new int[] {20, 16, 12}) {
                Random r = new Random(size);
                Tensor x = Tensor.zeros(2, 3, size, size);
                for (int i = 0; i < x.size(); i++) {
                    x.put(i, (float) r.nextGaussian());
                }
                layerGradientMatchesHeadDifferences(model, "conv2", Targets.topClass(2), x);
            }
        }
    }

    @Test
    void layersAreListedWithASuggestion() throws Exception {
        try (OnnxModel cnn = open(SyntheticModels.cnn(1), "cnn.onnx");
             OnnxModel tokens = open(SyntheticModels.tokens(1), "tokens.onnx")) {
            List<LayerInfo> layers = cnn.layers();
            assertThat(layers).filteredOn(LayerInfo::suggested).extracting(LayerInfo::name)
                    .containsExactly(SyntheticModels.CNN_LAYER);
            assertThat(tokens.layers()).filteredOn(LayerInfo::suggested).extracting(LayerInfo::name)
                    .containsExactly(SyntheticModels.TOKEN_LAYER);
        }
    }

    @Test
    void theImageBeforeTheFirstLearnedLayerIsNoCandidate() throws Exception {
        // torchvision's detectors batch and normalise the image inside the graph: those tensors are no layers
        try (OnnxModel detector = open(org.cam4j.testdata.SyntheticDetectors.torchvision(1), "tv.onnx")) {
            List<String> names = detector.layers().stream().map(LayerInfo::name).toList();
            assertThat(names).doesNotContain("batched").contains(org.cam4j.testdata.SyntheticDetectors.P3);
            assertThat(detector.resolve("batched")).isEqualTo("batched");
        }
    }

    @Test
    void badInputsGetOneLineErrors() throws Exception {
        try (OnnxModel model = open(SyntheticModels.cnn(1), "cnn.onnx")) {
            assertThatThrownBy(() -> model.resolve("relu_2")).hasMessageContaining("unknown layer 'relu_2'")
                    .hasMessageContaining("relu2");
            assertThatThrownBy(() -> model.predict(Tensor.zeros(1, 3, 8, 8)))
                    .hasMessageContaining("[1, 3, 8, 8]").hasMessageContaining("[-1, 3, 16, 16]");
            assertThatThrownBy(() -> model.forward(randomInput(1, 1), List.of("flatten"), Targets.topClass(1), true))
                    .hasMessageContaining("not a spatial map");
        }
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "this is not a model");
        assertThatThrownBy(() -> new OnnxBackend().open(junk, ModelOptions.defaults()))
                .hasMessageContaining("junk.onnx");
        Path truncated = dir.resolve("cut.onnx");
        byte[] full = SyntheticModels.cnn(1).toByteArray();
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> new OnnxBackend().open(truncated, ModelOptions.defaults()))
                .hasMessageContaining("cut.onnx");
        ai.onnx.proto.OnnxMl.ModelProto uint8 = SyntheticModels.cnn(1).toBuilder().setGraph(SyntheticModels.cnn(1)
                .getGraph().toBuilder().setInput(0, SyntheticModels.cnn(1).getGraph().getInput(0).toBuilder()
                        .setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(2))))).build();
        Path u8 = dir.resolve("u8.onnx");
        Files.write(u8, uint8.toByteArray());
        assertThatThrownBy(() -> new OnnxBackend().open(u8, ModelOptions.defaults()))
                .hasMessageContaining("UINT8").hasMessageContaining("float input");
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1);
        b.input("x", -1, 3, 4, 4);
        b.op("Mod", new String[] {b.op("Relu", new String[] {"x"}), b.floats("m", new float[] {2f})},
                OnnxModelBuilder.i("fmod", 1));
        b.output("mod_1", -1, 3, 4, 4);
        try (OnnxModel model = open(b.build(), "mod.onnx")) {
            assertThatThrownBy(() -> model.forward(Tensor.zeros(1, 3, 4, 4), List.of("relu_0"), Targets.topClass(1), true))
                    .hasMessageContaining("no gradient rule for op Mod").hasMessageContaining("supported ops: Abs");
        }
    }
}
