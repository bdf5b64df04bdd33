package org.cam4j.onnx.analysis;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cam4j.onnx.grad.GradientRules;
import org.cam4j.onnx.graph.OnnxGraph;

/**
 * What depends on what in a model graph, towards one output: the tensors a source reaches differentiably, the
 * tensors an output is computed from, and the nodes a backward pass goes through. The graph never changes, so the
 * paths are computed once per list of sources and kept.
 */
public final class Reachability {
    private final OnnxGraph graph;
    private final String output;
    private final Map<List<String>, List<NodeProto>> paths = new ConcurrentHashMap<>();
    private final Map<Set<String>, Set<String>> descendants = new ConcurrentHashMap<>();

    private final Map<Set<String>, Set<String>> valueDescendants = new ConcurrentHashMap<>();

    /** An analysis of the graph towards {@code output}; paths are computed when first asked for. */
    public Reachability(OnnxGraph graph, String output) {
        this.graph = graph;
        this.output = output;
    }

    /** Tensors that depend differentiably on any of {@code sources}. */
    public Set<String> active(List<String> sources) {
        Set<String> active = new HashSet<>(sources);
        Set<String> detached = detachedProposals();
        for (NodeProto n : graph.nodes()) {
            if (!GradientRules.propagates(n) || n.getOutputList().stream().anyMatch(detached::contains)) {
                continue;
            }
            boolean hit = false;
            for (String in : n.getInputList()) {
                hit |= active.contains(in);
            }
            if (hit) {
                for (int i = 0; i < n.getOutputCount(); i++) {
                    if (GradientRules.carriesGradient(n, i)) {
                        active.add(n.getOutput(i));
                    }
                }
            }
        }
        return active;
    }

    /**
     * A two-stage detector's proposals, which carry no gradient: what the regions of its RoiAlign nodes are computed
     * from and their feature maps are not (the region proposal network's scores, box deltas and decoded boxes).
     * torchvision detaches them ({@code pred_bbox_deltas.detach()}), which an ONNX export cannot say, so the
     * reference's gradients reach the backbone through the second stage's features only.
     */
    public Set<String> detachedProposals() {
        Set<String> known = detached;
        if (known == null) {
            Set<String> regions = new HashSet<>();
            Set<String> features = new HashSet<>();
            for (NodeProto n : graph.nodes()) {
                if (n.getOpType().equals("RoiAlign") && n.getInputCount() > 1) {
                    regions.addAll(ancestors(n.getInput(1)));
                    features.addAll(ancestors(n.getInput(0)));
                }
            }
            regions.removeAll(features);
            known = Set.copyOf(regions);
            detached = known;
        }
        return known;
    }

    private volatile Set<String> detached;

    /** Tensors from which {@code target} can be reached (including itself). */
    public Set<String> ancestors(String target) {
        Set<String> reach = new HashSet<>();
        reach.add(target);
        List<NodeProto> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            boolean hit = false;
            for (String out : n.getOutputList()) {
                hit |= reach.contains(out);
            }
            if (hit) {
                reach.addAll(OnnxGraph.inputsOf(n));
            }
        }
        return reach;
    }

    /** The nodes the backward pass goes through, in forward order. */
    public List<NodeProto> path(List<String> sources) {
        return paths.computeIfAbsent(List.copyOf(sources), this::computePath);
    }

    private List<NodeProto> computePath(List<String> sources) {
        Set<String> active = active(sources);
        Set<String> reach = ancestors(output);
        for (String s : sources) {
            if (!reach.contains(s)) {
                throw new IllegalArgumentException("layer '" + s + "' has no path to the output '" + output
                        + "'; choose a layer the output depends on (see 'cam layers')");
            }
        }
        List<NodeProto> path = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            for (String out : n.getOutputList()) {
                if (active.contains(out) && reach.contains(out)) {
                    path.add(n);
                    break;
                }
            }
        }
        return List.copyOf(path);
    }

    /** Fails, naming the node and the supported ops, when a node on the path has no gradient rule. */
    public void checkRules(List<NodeProto> path) {
        for (NodeProto n : path) {
            if (GradientRules.get(n.getOpType()) == null || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new org.cam4j.onnx.grad.UnsupportedGradientException("no gradient rule for op " + n.getOpType()
                        + " (node '" + n.getName() + "') on the path to the output; supported ops: "
                        + String.join(", ", GradientRules.supported()));
            }
        }
    }

    /** Every tensor whose shape or value the rules may ask about, for the probe run. */
    public Set<String> tensorsToProbe(List<String> sources) {
        Set<String> out = new LinkedHashSet<>();
        for (NodeProto n : path(sources)) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !graph.isInitializer(in)) {
                    out.add(in);
                }
            }
            for (String o : n.getOutputList()) {
                if (!o.isEmpty()) {
                    out.add(o);
                }
            }
        }
        out.addAll(sources);
        out.add(output);
        return out;
    }

    /** Tensors computed from any of {@code sources}, through any node (differentiable or not). */
    public Set<String> structuralDescendants(Set<String> sources) {
        return descendants.computeIfAbsent(Set.copyOf(sources), this::computeDescendants);
    }

    /**
     * Tensors computed from the values of {@code sources}: {@link #structuralDescendants} without what only their
     * shapes decide (the outputs of Shape and Size, and what is computed from those alone, such as the sizes a
     * segmentation head resizes to).
     */
    public Set<String> valueDescendants(Set<String> sources) {
        return valueDescendants.computeIfAbsent(Set.copyOf(sources), this::computeValueDescendants);
    }

    private Set<String> computeValueDescendants(Set<String> sources) {
        Set<String> out = new HashSet<>(sources);
        for (NodeProto n : graph.nodes()) {
            if (SHAPE_OPS.contains(n.getOpType())) {
                continue;
            }
            for (String in : OnnxGraph.inputsOf(n)) {
                if (out.contains(in)) {
                    out.addAll(n.getOutputList());
                    break;
                }
            }
        }
        return Set.copyOf(out);
    }

    /**
     * Tensors whose shape or integer values may change with the pixels, not only with the input's size: everything
     * computed, through any node, from what selects by value (NonZero, NonMaxSuppression, TopK's indices, ArgMax,
     * Unique, Compress) or branches (If, Loop, Scan). A classifier has none; a detector's post-processing is made of
     * them. Gradient rules read these at run time, never from the probe.
     */
    public Set<String> dataDependent() {
        Set<String> known = dataDependent;
        if (known == null) {
            known = computeDataDependent();
            dataDependent = known;
        }
        return known;
    }

    private volatile Set<String> dataDependent;

    private Set<String> computeDataDependent() {
        Set<String> selected = new HashSet<>();
        for (NodeProto n : graph.nodes()) {
            String op = n.getOpType();
            if (SELECTING_OPS.contains(op)) {
                n.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(selected::add);
            } else if (op.equals("TopK") && n.getOutputCount() > 1) {
                selected.add(n.getOutput(1));
            }
        }
        return structuralDescendants(selected);
    }

    private static final Set<String> SELECTING_OPS = Set.of("NonZero", "NonMaxSuppression", "ArgMax", "ArgMin",
            "Unique", "Compress", "If", "Loop", "Scan");

    /** Ops whose output depends on the shape of their input, not on its values. */
    private static final Set<String> SHAPE_OPS = Set.of("Shape", "Size");

    private Set<String> computeDescendants(Set<String> sources) {
        Set<String> out = new HashSet<>(sources);
        for (NodeProto n : graph.nodes()) {
            for (String in : OnnxGraph.inputsOf(n)) {
                if (out.contains(in)) {
                    out.addAll(n.getOutputList());
                    break;
                }
            }
        }
        return Set.copyOf(out);
    }
}
