package org.cam4j.onnx.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

/** Probing more tensors than one run holds: every shape is learned, over several runs. */
class ShapeProbeTest {
    @Test
    void probesManyTensorsOverSeveralRuns() {
        int nodes = 2 * ShapeProbe.OUTPUTS_PER_RUN + 44;
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1).input("x", -1, 2, 3, 4);
        String last = "x";
        Set<String> tensors = new LinkedHashSet<>();
        for (int i = 0; i < nodes; i++) {
            last = b.node(i % 2 == 0 ? "Relu" : "Neg", "t" + i, new String[] {last});
            tensors.add(last);
        }
        b.output(last, -1, 2, 3, 4);
        OnnxGraph graph = new OnnxGraph(b.build());
        TensorFacts facts = new TensorFacts(graph);
        Set<String> learned = ShapeProbe.run(graph, tensors, Map.of("x", Tensor.zeros(5, 2, 3, 4)), facts);
        assertThat(learned).containsAll(tensors);
        for (String t : tensors) {
            assertThat(facts.shape(t)).as(t).containsExactly(5, 2, 3, 4);
        }
    }
}
