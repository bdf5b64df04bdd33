package org.cam4j.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live-tensor peak of ONNX graphs, worked out by hand (the algorithm's own cases: LiveTensorPeakTest). */
class ActivationMemoryTest {
    @TempDir
    Path dir;

    /**
     * x (N x 2 x 2 x 2) -> a = Relu(x) -> b = Neg(a) -> c = Add(a, b) -> y = Relu(c), 8 floats each (32 bytes): x and a live together
     * (64), then a and b (64), then a, b and c (96, the peak), then c and y (64).
     */
    private static OnnxModelBuilder chain(long batch) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1).input("x", batch, 2, 2, 2).output("y", batch, 2, 2, 2);
        b.node("Relu", "a", new String[] {"x"});
        b.node("Neg", "b", new String[] {"a"});
        b.node("Add", "c", new String[] {"a", "b"});
        b.node("Relu", "y", new String[] {"c"});
        return b;
    }

    @Test
    void peakIsTheLargestSetOfTensorsAliveAtOnce() {
        OnnxGraph graph = new OnnxGraph(chain(1).build());
        TensorFacts facts = new TensorFacts(graph);
        for (String t : new String[] {"x", "a", "b", "c", "y"}) {
            facts.putShape(t, new long[] {1, 8});
        }
        assertThat(ActivationMemory.peakBytes(graph, facts, "x")).isEqualTo(96);
        for (String t : new String[] {"x", "a", "b", "c", "y"}) {
            facts.putShape(t, new long[] {5, 8});
        }
        assertThat(ActivationMemory.peakBytes(graph, facts, "x")).isEqualTo(5 * 96);
    }

    @Test
    void theModelReportsThePerImagePeakOfItsProbedShapes() throws Exception {
        Path file = chain(-1).write(dir.resolve("chain.onnx"));
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            assertThat(model.activationBytesPerImage(Tensor.zeros(3, 2, 2, 2))).isEqualTo(96);
        }
    }

    @Test
    void aSequenceAmongTheTensorsIsSkippedNotAFailure() throws Exception {
        // x -> a = Relu(x) -> y = Neg(a), and s = SequenceConstruct(a) that nobody reads: x and a, then a and y
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1).input("x", -1, 2, 2, 2).output("y", -1, 2, 2, 2);
        b.node("Relu", "a", new String[] {"x"});
        b.node("SequenceConstruct", "s", new String[] {"a"});
        b.node("Neg", "y", new String[] {"a"});
        Path file = b.write(dir.resolve("sequence.onnx"));
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            assertThat(model.activationBytesPerImage(Tensor.zeros(1, 2, 2, 2))).isEqualTo(64);
        }
    }
}
