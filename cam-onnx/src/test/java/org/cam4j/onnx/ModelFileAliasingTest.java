package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.errors.InvalidModelException;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's weights are views of its file's pages, not copies in the heap; a file rewritten while a model read from it
 * is open is refused before a graph is built from it, instead of the new file's bytes being taken as the old weights.
 */
class ModelFileAliasingTest {
    @TempDir
    Path dir;

    @org.junit.jupiter.api.extension.RegisterExtension
    final CacheFolderInTemp cache = new CacheFolderInTemp();

    @Test
    void weightsAreViewsOfTheMappedFileNotHeapCopies() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        OnnxModelFile.Read read = OnnxModelFile.readWithDigest(model);
        List<TensorProto> weights = read.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getRawData().size() > 0).toList();
        assertThat(weights).isNotEmpty();
        // a copy would be a heap array; a view of the mapping is a direct buffer
        assertThat(weights).allMatch(t -> t.getRawData().asReadOnlyByteBuffer().isDirect());
        // and holds the file's bytes
        TensorProto first = weights.get(0);
        byte[] file = Files.readAllBytes(model);
        byte[] raw = first.getRawData().toByteArray();
        assertThat(indexOf(file, raw)).isNotNegative();
    }

    @Test
    void aFileRewrittenWhileOpenIsRefusedBeforeAGraphIsBuiltFromIt() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor x = Tensor.zeros(1, 3, 16, 16);
        try (OnnxModel m = new OnnxModel(model, ModelOptions.defaults())) {
            m.forward(x, List.of(SyntheticModels.CNN_LAYER), Targets.topClass(1), true);
            // rewritten in place, as an export over the same path does (same inode: the mapping now shows it)
            Files.write(model, SyntheticModels.cnn(4).toByteArray());
            assertThatThrownBy(() -> m.inputGradient(x, Targets.topClass(1), true))
                    .isInstanceOf(InvalidModelException.class)
                    .hasMessageContaining("changed on disk after it was opened").hasMessageContaining("open it again");
            // what was built before the change still runs
            assertThat(m.forward(x, List.of(SyntheticModels.CNN_LAYER), Targets.topClass(1), true)
                    .gradient(SyntheticModels.CNN_LAYER).shape()).isNotEmpty();
        }
        // opened again, the new file is read
        try (OnnxModel m = new OnnxModel(model, ModelOptions.defaults())) {
            assertThat(m.inputGradient(x, Targets.topClass(1), true).shape()).containsExactly(1, 3, 16, 16);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
