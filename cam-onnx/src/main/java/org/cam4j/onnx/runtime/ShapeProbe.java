package org.cam4j.onnx.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.tensor.Tensor;

/**
 * Learns the shapes of intermediate tensors (and the values of small int64 ones) by running the model once on
 * CPU with those tensors as extra outputs.
 */
public final class ShapeProbe {
    private ShapeProbe() {
    }

    /** Records every probed tensor in {@code facts}; returns the names it learned. */
    public static Set<String> run(OnnxGraph graph, Set<String> tensors, Map<String, Tensor> feeds, TensorFacts facts) {
        ModelProto.Builder b = graph.model().toBuilder();
        b.getGraphBuilder().clearOutput().clearValueInfo();
        for (String t : tensors) {
            if (!graph.isInitializer(t) && !graph.isGraphInput(t)) {
                b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(t));
            }
        }
        graph.outputs().forEach(o -> b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(o.getName())));
        try (OrtRunner probe = new OrtRunner(b.build().toByteArray(), ModelOptions.defaults())) {
            Map<String, OrtRunner.Probed> result = probe.probe(feeds);
            result.forEach((name, p) -> {
                facts.putShape(name, p.shape());
                if (p.longs() != null) {
                    facts.putValues(name, p.longs());
                }
            });
            feeds.forEach((name, t) -> facts.putShape(name, java.util.Arrays.stream(t.shape()).asLongStream().toArray()));
            return result.keySet();
        }
    }
}
