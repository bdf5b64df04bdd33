package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A frozen GraphDef (.pb, constants, no signature) of the twin network gives what its SavedModel gives. */
class FrozenGraphTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    @Test
    void aFrozenGraphExplainsAsItsSavedModel() {
        var onnx = SyntheticModels.cnn(13);
        Path frozen = TwinSavedModel.writeFrozen(onnx, dir.resolve("cnn.pb"));
        Path saved = TwinSavedModel.write(onnx, dir.resolve("saved"));
        assertThat(new TensorFlowBackend().canOpen(frozen)).isTrue();
        Tensor x = Tensor.zeros(2, 16, 16, 3);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(i * 0.1));
        }
        try (ExplainableModel f = new TensorFlowBackend().open(frozen, ModelOptions.defaults());
             ExplainableModel s = new TensorFlowBackend().open(saved, ModelOptions.defaults())) {
            assertThat(f.predict(x).maxAbsDiff(s.predict(x))).isLessThan(1e-6);
            try (Cam a = new Cam(f, Methods.get("GradCAM"), List.of("block_out"), CamOptions.defaults());
                 Cam b = new Cam(s, Methods.get("GradCAM"), List.of("block_out"), CamOptions.defaults())) {
                assertThat(a.compute(x, Targets.topClass(2)).cams().maxAbsDiff(b.compute(x, Targets.topClass(2))
                        .cams())).isLessThan(1e-6);
            }
        }
    }
}
