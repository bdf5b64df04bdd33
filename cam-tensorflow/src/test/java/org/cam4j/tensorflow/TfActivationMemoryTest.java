package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The live-tensor peak of TensorFlow graphs: by hand on a small graph, and against the ONNX twin of a CNN. */
class TfActivationMemoryTest {
    @BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    @TempDir
    Path dir;

    /** x -> a = Relu(x) -> b = Neg(a) -> c = a + b -> y = Relu(c), 32 bytes per image each: a, b and c at once. */
    private static Graph chain(Shape input) {
        Graph g = new Graph();
        Ops tf = Ops.create(g);
        var x = tf.withName("x").placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(input));
        var a = tf.withName("a").nn.relu(x);
        var b = tf.withName("b").math.neg(a);
        var c = tf.withName("c").math.add(a, b);
        tf.withName("y").nn.relu(c);
        return g;
    }

    @Test
    void peakOfAHandWorkedGraphAndUnknownShapes() {
        try (Graph g = chain(Shape.of(-1, 2, 2, 2))) {
            assertThat(TfActivationMemory.perImage(g, "x:0", "y:0", 32)).isEqualTo(96);
        }
        try (Graph g = chain(Shape.of(-1, -1, -1, 2))) {
            assertThat(TfActivationMemory.perImage(g, "x:0", "y:0", 32)).as("spatial size unknown").isEqualTo(-1);
        }
    }

    @Test
    void theTwinCnnCostsAboutWhatItsOnnxTwinCosts() throws Exception {
        var onnx = SyntheticModels.cnn(21);
        Path onnxFile = Files.write(dir.resolve("cnn.onnx"), onnx.toByteArray());
        Path saved = TwinSavedModel.write(onnx, dir.resolve("cnn_saved"));
        try (ExplainableModel o = new OnnxBackend().open(onnxFile, ModelOptions.defaults());
             ExplainableModel t = new TensorFlowBackend().open(saved, ModelOptions.defaults())) {
            long onnxBytes = o.activationBytesPerImage(Tensor.zeros(1, 3, 16, 16));
            long tfBytes = t.activationBytesPerImage(Tensor.zeros(1, 16, 16, 3));
            // the same layers, so the same live tensors up to TensorFlow's small extras (measured: 16400 vs 16384)
            assertThat(onnxBytes).isPositive();
            assertThat(tfBytes).isCloseTo(onnxBytes, org.assertj.core.data.Percentage.withPercentage(1));
        }
    }
}
