package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad SavedModels and layers: one-line messages naming the problem and the fix. */
class BadSavedModelTest {
    @org.junit.jupiter.api.BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    @TempDir
    Path dir;

    private Path twin() {
        return TwinSavedModel.write(SyntheticModels.cnn(2), dir.resolve("saved"));
    }

    private static void oneLine(Throwable e, String expected) {
        assertThat(e.getMessage()).contains(expected);
        assertThat(e.getMessage().lines()).hasSize(1);
    }

    @Test
    void aFolderThatIsNotASavedModel() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(new TensorFlowBackend().canOpen(empty)).isFalse();
        assertThatThrownBy(() -> new TensorFlowBackend().open(empty, ModelOptions.defaults()))
                .satisfies(e -> oneLine(e, "is a folder without saved_model.pb, so not a SavedModel"));
        Path junk = Files.writeString(dir.resolve("junk.pb"), "not a graph");
        assertThatThrownBy(() -> new TensorFlowBackend().open(junk, ModelOptions.defaults()))
                .satisfies(e -> oneLine(e, "junk.pb"));
    }

    @Test
    void missingTagOrSignatureListsTheAvailableOnes() {
        Path saved = twin();
        assertThatThrownBy(() -> new TensorFlowBackend().open(saved, new ModelOptions("cpu", 0, null, true,
                Map.of(TensorFlowBackend.TAG, "train"))))
                .satisfies(e -> oneLine(e, "no meta graph tagged 'train'; its tags: [serve] (choose one with the tag"
                        + " option)"))
                .satisfies(e -> assertThat(((org.cam4j.errors.CamException) e).field()).contains("tag"));
        assertThatThrownBy(() -> new TensorFlowBackend().open(saved, new ModelOptions("cpu", 0, null, true,
                Map.of(TensorFlowBackend.SIGNATURE, "predict"))))
                .satisfies(e -> oneLine(e, "no signature 'predict' under tag 'serve'; its signatures: [serving_default]"));
    }

    @Test
    void unknownLayersAndLayersOffThePath() {
        try (ExplainableModel m = new TensorFlowBackend().open(twin(), ModelOptions.defaults())) {
            Tensor x = Tensor.zeros(1, 16, 16, 3);
            assertThatThrownBy(() -> m.forward(x, List.of("block_ot"), Targets.topClass(1), true))
                    .satisfies(e -> oneLine(e, "unknown layer 'block_ot'; closest: block_out"));
            assertThatThrownBy(() -> m.forward(x, List.of("serving_default_input"), Targets.topClass(1), true))
                    .satisfies(e -> oneLine(e, "is the model's input"));
            assertThat(m.layers()).extracting(l -> l.name()).contains("block_out", "relu1", "pool1");
            assertThat(m.layers().stream().filter(l -> l.suggested())).singleElement()
                    .extracting(l -> l.name()).isEqualTo("block_out");
        }
    }

    @Test
    void aLayerOffThePathToTheOutput() {
        Path frozen = TwinSavedModel.writeFrozen(SyntheticModels.cnn(2), dir.resolve("cnn.pb"));
        try (ExplainableModel m = new TensorFlowBackend().open(frozen, ModelOptions.defaults())) {
            assertThat(m.layers()).extracting(l -> l.name()).doesNotContain("side");
            assertThatThrownBy(() -> m.forward(Tensor.zeros(1, 16, 16, 3), List.of("side"), Targets.topClass(1), true))
                    .satisfies(e -> oneLine(e, "has no path to the model output"));
        }
    }

    @Test
    void aGpuWithoutGpuNativesIsOneLine() {
        assertThatThrownBy(() -> new TensorFlowBackend().open(twin(), new ModelOptions("cuda", 0, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> oneLine(e, "cannot use GPU 0 with TensorFlow"));
    }

    @Test
    void aTruncatedVariablesFile() throws Exception {
        assumeKeras();
        Path copy = dir.resolve("mnist");
        Path source = org.cam4j.testdata.SharedData.fixtures().get().resolve("0x7a726f-MNIST_model");
        Files.createDirectories(copy.resolve("variables"));
        Files.copy(source.resolve("saved_model.pb"), copy.resolve("saved_model.pb"));
        Files.copy(source.resolve("variables/variables.index"), copy.resolve("variables/variables.index"));
        byte[] data = Files.readAllBytes(source.resolve("variables/variables.data-00000-of-00001"));
        Files.write(copy.resolve("variables/variables.data-00000-of-00001"), java.util.Arrays.copyOf(data, 1000));
        assertThatThrownBy(() -> new TensorFlowBackend().open(copy, ModelOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> oneLine(e, "cannot load " + copy + " into TensorFlow"));
    }

    private static void assumeKeras() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.cam4j.testdata.SharedData.fixtures().isPresent(),
                "../shared/fixtures not present");
    }
}
