package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a detector's heads read the backbone: the feature maps its prediction heads start from. A head conv is a
 * Conv with no other Conv between it and the outputs; from its input we walk up through ops with one activation
 * input while each tensor has a single consumer (the head's own conv, norm and activation layers); the tensor
 * where that stops (several consumers: the class head, the box head, the next backbone stage; or a join such as a
 * Concat or SiLU's product) is the pyramid level. Levels are returned finest first (largest map first).
 */
public final class DetectorHeads {
    private DetectorHeads() {
    }

    public static List<String> levels(OnnxGraph graph, TensorFacts facts, GradientGraphBuilder builder) {
        Set<String> reach = new HashSet<>();
        graph.outputs().forEach(o -> reach.addAll(builder.ancestors(o.getName())));
        List<NodeProto> convs = graph.nodes().stream()
                .filter(n -> n.getOpType().equals("Conv") && reach.contains(n.getOutput(0))).toList();
        List<String> levels = new ArrayList<>();
        for (NodeProto conv : convs) {
            Set<String> downstream = builder.active(List.of(conv.getOutput(0)));
            boolean last = convs.stream().noneMatch(c -> c != conv && downstream.contains(c.getOutput(0)));
            if (last) {
                String level = walkUp(graph, conv.getInput(0));
                if (spatial(facts, level) && !levels.contains(level)) {
                    levels.add(level);
                }
            }
        }
        levels.sort(Comparator.comparingLong((String t) -> -facts.shape(t)[2] * facts.shape(t)[3]));
        return levels;
    }

    private static String walkUp(OnnxGraph graph, String tensor) {
        String t = tensor;
        while (graph.consumers(t).size() == 1 && !graph.isGraphInput(t)) {
            NodeProto p = graph.producer(t);
            if (p == null) {
                break;
            }
            List<String> activations = p.getInputList().stream()
                    .filter(i -> !i.isEmpty() && !graph.isInitializer(i) && graph.producer(i) != null
                            && !graph.producer(i).getOpType().equals("Constant") || graph.isGraphInput(i)).toList();
            if (activations.size() != 1) {
                break;
            }
            t = activations.get(0);
        }
        return t;
    }

    private static boolean spatial(TensorFacts facts, String t) {
        if (!facts.hasShape(t)) {
            return false;
        }
        long[] s = facts.shape(t);
        return s.length == 4 && s[2] > 1 && s[3] > 1;
    }
}
