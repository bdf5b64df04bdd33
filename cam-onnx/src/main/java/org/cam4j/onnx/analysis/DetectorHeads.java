package org.cam4j.onnx.analysis;

import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
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
 * Concat or SiLU's product) is the pyramid level; when the walk reaches the strided conv of the stage instead (a
 * last stage that feeds only its head), the level is that stage's last activation. A two-stage detector's levels
 * are the maps its RoiAlign nodes pool (its proposal network's convs carry no gradient). Levels are returned finest
 * first (largest map first).
 */
public final class DetectorHeads {
    private DetectorHeads() {
    }

    /** The pyramid levels the detector's heads read, finest first (empty for a model with no head convs). */
    public static List<String> levels(OnnxGraph graph, TensorFacts facts, Reachability builder) {
        Set<String> reach = new HashSet<>();
        graph.outputs().forEach(o -> reach.addAll(builder.ancestors(o.getName())));
        // a two-stage detector's proposal network carries no gradient (its proposals are detached): its head convs
        // are no level; the maps its RoiAlign nodes pool are
        Set<String> detached = builder.detachedProposals();
        List<NodeProto> convs = graph.nodes().stream()
                .filter(n -> n.getOpType().equals("Conv") && reach.contains(n.getOutput(0))
                        && !detached.contains(n.getOutput(0))).toList();
        List<String> levels = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            if (n.getOpType().equals("RoiAlign") && spatial(facts, n.getInput(0)) && !levels.contains(n.getInput(0))) {
                levels.add(n.getInput(0));
            }
        }
        if (!levels.isEmpty()) {
            return sortedFinestFirst(facts, levels);
        }
        for (NodeProto conv : convs) {
            Set<String> downstream = builder.active(List.of(conv.getOutput(0)));
            boolean last = convs.stream().noneMatch(c -> c != conv && downstream.contains(c.getOutput(0)));
            if (last) {
                String level = walkUp(graph, facts, conv.getInput(0));
                if (spatial(facts, level) && !levels.contains(level)) {
                    levels.add(level);
                }
            }
        }
        return sortedFinestFirst(facts, levels);
    }

    private static List<String> sortedFinestFirst(TensorFacts facts, List<String> levels) {
        levels.sort(Comparator.comparingLong((String t) -> -facts.shape(t)[2] * facts.shape(t)[3]));
        return levels;
    }

    /** Activations after which a backbone stage ends (SiLU ends in a Mul, a join that stops the walk anyway). */
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "Sigmoid", "Clip", "HardSwish",
            "Elu", "Selu", "Tanh");

    /**
     * Up from a head's input through its own layers: single-consumer tensors made by ops with one activation input,
     * at the same spatial size. A tensor with several consumers or a join ends the walk there; a size change (the
     * stage's strided conv: the head reads the last stage alone) ends it at the stage's last activation.
     */
    private static String walkUp(OnnxGraph graph, TensorFacts facts, String tensor) {
        List<String> chain = new ArrayList<>();
        String t = tensor;
        chain.add(t);
        while (graph.consumers(t).size() == 1 && !graph.isGraphInput(t)) {
            NodeProto p = graph.producer(t);
            if (p == null) {
                break;
            }
            List<String> activations = p.getInputList().stream()
                    .filter(i -> !i.isEmpty() && !constant(graph, i) && graph.producer(i) != null
                            || graph.isGraphInput(i)).toList();
            if (activations.size() != 1) {
                break;
            }
            String up = activations.get(0);
            if (!sameSpatialSize(facts, t, up)) {
                for (int k = chain.size() - 1; k >= 0; k--) {
                    NodeProto maker = graph.producer(chain.get(k));
                    if (maker != null && ACTIVATIONS.contains(maker.getOpType())) {
                        return chain.get(k);
                    }
                }
                break;
            }
            t = up;
            chain.add(t);
        }
        return t;
    }

    /**
     * Weights: initializers, Constant nodes, and their Identity copies (a head shared by every level is exported
     * with its weights once, read through an Identity per level).
     */
    private static boolean constant(OnnxGraph graph, String t) {
        NodeProto p = graph.producer(t);
        return graph.isInitializer(t) || p != null && (p.getOpType().equals("Constant")
                || p.getOpType().equals("Identity") && constant(graph, p.getInput(0)));
    }

    private static boolean sameSpatialSize(TensorFacts facts, String a, String b) {
        if (!spatial(facts, a) || !spatial(facts, b)) {
            return false;
        }
        long[] x = facts.shape(a);
        long[] y = facts.shape(b);
        return x[2] == y[2] && x[3] == y[3];
    }

    private static boolean spatial(TensorFacts facts, String t) {
        if (!facts.hasShape(t)) {
            return false;
        }
        long[] s = facts.shape(t);
        return s.length == 4 && s[2] > 1 && s[3] > 1;
    }
}
