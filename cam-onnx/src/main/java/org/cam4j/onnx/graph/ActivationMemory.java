package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.LiveTensorPeak;

/**
 * {@link LiveTensorPeak} of an ONNX graph: its nodes in graph order, with the probed shapes of their outputs (4 bytes
 * per element); initializers are weights and do not count.
 */
public final class ActivationMemory {
    private ActivationMemory() {
    }

    /** Peak bytes of live tensors, with the shapes in {@code facts} (all node outputs probed). */
    public static long peakBytes(OnnxGraph graph, TensorFacts facts, String input) {
        List<LiveTensorPeak.Step> steps = new ArrayList<>();
        for (NodeProto node : graph.nodes()) {
            Map<String, Long> outputs = new LinkedHashMap<>();
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && facts.hasShape(out)) {
                    outputs.put(out, bytes(facts, out));
                }
            }
            steps.add(new LiveTensorPeak.Step(node.getInputList(), outputs));
        }
        Set<String> kept = new HashSet<>();
        graph.outputs().forEach(o -> kept.add(o.getName()));
        return LiveTensorPeak.bytes(steps, Map.of(input, bytes(facts, input)), kept);
    }

    private static long bytes(TensorFacts facts, String tensor) {
        long n = 1;
        for (long d : facts.shape(tensor)) {
            n *= d;
        }
        return 4 * n;
    }
}
