package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The peak memory of the tensors a forward pass keeps alive at once: walking the nodes in graph order, each output
 * is allocated when its node runs and each tensor freed after its last consumer (graph outputs live to the end);
 * the graph input counts, weights do not. This is the plan an executor that reuses freed buffers follows (ONNX
 * Runtime's memory planner does), so it sizes what one more image in a batch costs.
 */
public final class ActivationMemory {
    private ActivationMemory() {
    }

    /** Peak bytes of live tensors, 4 bytes per element, with the shapes in {@code facts} (all node outputs probed). */
    public static long peakBytes(OnnxGraph graph, TensorFacts facts, String input) {
        Map<String, Integer> lastUse = new HashMap<>();
        int step = 0;
        for (NodeProto node : graph.nodes()) {
            for (String in : node.getInputList()) {
                lastUse.put(in, step);
            }
            step++;
        }
        Set<String> kept = new HashSet<>();
        graph.outputs().forEach(o -> kept.add(o.getName()));
        long live = bytes(facts, input);
        long peak = live;
        step = 0;
        for (NodeProto node : graph.nodes()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && facts.hasShape(out)) {
                    live += bytes(facts, out);
                }
            }
            peak = Math.max(peak, live);
            for (String in : new HashSet<>(node.getInputList())) {
                boolean freed = !in.isEmpty() && lastUse.get(in) == step && !kept.contains(in)
                        && !graph.isInitializer(in) && (graph.producer(in) != null || in.equals(input));
                if (freed && facts.hasShape(in)) {
                    live -= bytes(facts, in);
                }
            }
            for (String out : node.getOutputList()) {
                // an output nobody reads (and not a graph output) is freed at once
                if (!out.isEmpty() && !lastUse.containsKey(out) && !kept.contains(out) && facts.hasShape(out)) {
                    live -= bytes(facts, out);
                }
            }
            step++;
        }
        return peak;
    }

    private static long bytes(TensorFacts facts, String tensor) {
        long n = 1;
        for (long d : facts.shape(tensor)) {
            n *= d;
        }
        return 4 * n;
    }
}
