package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose weights live in an external-data file are read and explained like any other. */
class OnnxModelFileTest {
    @TempDir
    Path dir;

    @Test
    void externalDataIsLoaded() throws Exception {
        ModelProto inline = SyntheticModels.cnn(9);
        ModelProto.Builder b = inline.toBuilder();
        var g = b.getGraphBuilder();
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            byte[] bytes = t.getRawData().toByteArray();
            g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("offset")
                            .setValue(String.valueOf(data.size())))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("length")
                            .setValue(String.valueOf(bytes.length))));
            data.write(bytes);
        }
        Files.write(dir.resolve("weights.bin"), data.toByteArray());
        Files.write(dir.resolve("external.onnx"), b.build().toByteArray());
        Files.write(dir.resolve("inline.onnx"), inline.toByteArray());
        Tensor x = Tensor.zeros(1, 3, 16, 16);
        x.put(100, 1f);
        try (OnnxModel ext = new OnnxBackend().open(dir.resolve("external.onnx"), ModelOptions.defaults());
             OnnxModel in = new OnnxBackend().open(dir.resolve("inline.onnx"), ModelOptions.defaults())) {
            assertThat(ext.predict(x).maxAbsDiff(in.predict(x))).isZero();
            assertThat(ext.forward(x, List.of("relu2"), Targets.topClass(1), true).gradient("relu2")
                    .maxAbsDiff(in.forward(x, List.of("relu2"), Targets.topClass(1), true).gradient("relu2"))).isZero();
        }
        Files.delete(dir.resolve("weights.bin"));
        assertThatThrownBy(() -> new OnnxBackend().open(dir.resolve("external.onnx"), ModelOptions.defaults()))
                .hasMessageContaining("weights.bin").hasMessageContaining("next to the .onnx file");
    }
}
