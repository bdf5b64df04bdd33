package org.cam4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;

/**
 * A model cut at a layer: its prefix (the input to the chosen tensors, for methods that need only activations) and
 * its head (the layer, plus every other tensor that crosses the cut such as a transformer's residual stream, to y:
 * what perturbation methods run), and the head with its own backward pass.
 */
public final class GraphCuts {
    private final OnnxGraph graph;
    private final TensorFacts facts;
    private final String output;
    private final Reachability reach;

    /** Cuts of this graph towards {@code output}, over an analysis already made. */
    public GraphCuts(OnnxGraph graph, TensorFacts facts, String output, Reachability reach) {
        this.graph = graph;
        this.facts = facts;
        this.output = output;
        this.reach = reach;
    }

    /** The nodes needed to compute {@code targets} from the model input, and nothing else. */
    public ModelProto prefix(List<String> targets) {
        Set<String> needed = new HashSet<>();
        for (String t : targets) {
            needed.addAll(reach.ancestors(t));
        }
        GraphProto.Builder g = graph.graph().toBuilder().clearNode().clearOutput().clearValueInfo();
        for (NodeProto n : graph.nodes()) {
            for (String o : n.getOutputList()) {
                if (needed.contains(o)) {
                    g.addNode(n);
                    break;
                }
            }
        }
        for (String t : targets) {
            g.addOutput(ValueInfos.floatOutput(t));
        }
        return graph.model().toBuilder().setGraph(ValueInfos.withoutUnusedInitializers(g)).build();
    }

    /**
     * The tensors a head graph from {@code layer} takes besides the layer itself: those its nodes read that are
     * computed from the model input's values without passing through the layer (a transformer's residual stream),
     * and the model input itself when the head needs its shape.
     */
    public List<String> cutTensors(String layer) {
        return headPlan(layer).cut;
    }

    /**
     * The head's gradient graph: {@link #head} with its backward pass to {@code layer} appended (inputs the layer, the
     * cut tensors, the seed and top class; outputs y and {@code cam4j_grad_0}).
     */
    public ModelProto headGradients(String layer) {
        OnnxGraph head = new OnnxGraph(head(layer));
        return new GradientGraphBuilder(head, facts.forGraph(head), output).gradients(List.of(layer), false, List.of());
    }

    /** The head: inputs {@code layer} and the cut tensors, output y. */
    public ModelProto head(String layer) {
        HeadPlan plan = headPlan(layer);
        GraphProto.Builder g = graph.graph().toBuilder().clearNode().clearInput().clearOutput().clearValueInfo();
        for (NodeProto n : graph.nodes()) {
            if (plan.nodes.contains(GradientGraphBuilder.key(n))) {
                g.addNode(n);
            }
        }
        g.addInput(ValueInfos.floatInput(layer, facts.rank(layer)));
        for (String c : plan.cut) {
            g.addInput(ValueInfos.floatInput(c, facts.rank(c)));
        }
        g.addOutput(ValueInfos.floatOutput(output));
        return graph.model().toBuilder().setGraph(ValueInfos.withoutUnusedInitializers(g)).build();
    }

    private record HeadPlan(Set<String> nodes, List<String> cut) {
    }

    private HeadPlan headPlan(String layer) {
        Set<String> fromLayer = reach.structuralDescendants(Set.of(layer));
        Set<String> inputs = new HashSet<>();
        graph.inputs().forEach(v -> inputs.add(v.getName()));
        // what only the input's shape decides (a segmentation head's resize sizes: Shape, Gather, Cast, Mul) is
        // computed in the head again, from the input fed as a cut tensor, not cut: it is not batch-major, and often
        // not float
        Set<String> fromInput = reach.valueDescendants(inputs);
        Set<String> dataDependent = reach.dataDependent();
        org.cam4j.onnx.graph.ElementTypes types = graph.elementTypes();
        Set<String> nodes = new HashSet<>();
        List<String> cut = new ArrayList<>();
        List<String> stack = new ArrayList<>(List.of(output));
        Set<String> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            String t = stack.remove(stack.size() - 1);
            if (!seen.add(t) || t.equals(layer) || t.isEmpty() || graph.isInitializer(t)) {
                continue;
            }
            NodeProto p = graph.producer(t);
            // the one image squeezed out of a batch of one is not batch-major, nor is what a detector selects by
            // value (indices, kept boxes), and a cut passes float32 only (no masks, no indices): the head computes
            // those again
            if (p == null || (!fromLayer.contains(t) && fromInput.contains(t) && types.isFloat(t)
                    && !t.endsWith(org.cam4j.onnx.graph.UnbatchedInput.SUFFIX) && !dataDependent.contains(t))) {
                cut.add(t);
                continue;
            }
            nodes.add(GradientGraphBuilder.key(p));
            stack.addAll(OnnxGraph.inputsOf(p));
        }
        cut.sort(java.util.Comparator.comparingInt(graph::position));
        return new HeadPlan(nodes, cut);
    }
}
