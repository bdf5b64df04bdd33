package org.cam4j.onnx.autodiff;

import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.grad.GradContext;
import org.cam4j.onnx.grad.GradientRule;
import org.cam4j.onnx.grad.GradientRules;

/**
 * Builds gradient-augmented ONNX models with reverse-mode autodiff: the backward pass from the model output y,
 * seeded with a weight tensor W (the target), down to the chosen tensors, written as ordinary ONNX nodes
 * appended to the model. New inputs: {@value #SEED} (shaped like y; score = sum(W * y)) and {@value #TOP_CLASS}
 * (N floats; 1 adds the one-hot of the image's top class to its seed). New outputs: the chosen tensors and
 * {@code cam4j_grad_<i>}, the gradient of the score with respect to the i-th.
 *
 * <p>Only nodes on a path from a chosen tensor to y ({@link Reachability#path}) are differentiated; shape
 * arithmetic, constants and side branches stay as they are. {@link GraphCuts} cuts the model into its prefix and
 * head, {@link MaskedInputGraph} makes its input masks in-graph.
 */
public final class GradientGraphBuilder {
    /** Input: dS/dy, shaped like the output y. */
    public static final String SEED = "cam4j_seed";
    /** Input: per image, 1 to add the top class's one-hot to its seed. */
    public static final String TOP_CLASS = "cam4j_top_class";
    /** Outputs {@code cam4j_grad_<i>}: the gradient with respect to the i-th source. */
    public static final String GRAD_PREFIX = "cam4j_grad_";

    private final OnnxGraph graph;
    private final TensorFacts facts;
    private final String output;

    private final Reachability reach;

    /** A builder with an analysis of its own. */
    public GradientGraphBuilder(OnnxGraph graph, TensorFacts facts, String output) {
        this(graph, facts, output, new Reachability(graph, output));
    }

    /** A builder over an analysis already made for this graph and output (its caches are shared). */
    public GradientGraphBuilder(OnnxGraph graph, TensorFacts facts, String output, Reachability reach) {
        this.graph = graph;
        this.facts = facts;
        this.output = output;
        this.reach = reach;
    }

    /** The graph analysis this builder's passes follow (cached per source list). */
    public Reachability reachability() {
        return reach;
    }

    /**
     * The model plus its backward pass from y to every source.
     *
     * @param guided guided backpropagation (ReLU passes only positive gradients)
     * @param extraOutputs further existing tensors to expose as outputs (the tensors that cross a head cut)
     */
    public ModelProto gradients(List<String> sources, boolean guided, List<String> extraOutputs) {
        Emitter e = new Emitter("cam4j_", graph.opset());
        Backward b = backward(sources, guided, e, seed(e), GRAD_PREFIX);
        GraphProto.Builder g = b.graph();
        g.addInput(ValueInfos.floatInput(SEED, facts.rank(output)));
        g.addInput(ValueInfos.floatInput(TOP_CLASS, 1));
        g.clearOutput().addOutput(ValueInfos.floatOutput(output));
        Set<String> exposed = new LinkedHashSet<>();
        exposed.add(output);
        for (int i = 0; i < sources.size(); i++) {
            String src = sources.get(i);
            if (!graph.isGraphInput(src) && exposed.add(src)) {
                g.addOutput(ValueInfos.floatOutput(src));
            }
            g.addOutput(ValueInfos.floatOutput(GRAD_PREFIX + i));
        }
        for (String extra : extraOutputs) {
            if (exposed.add(extra)) {
                g.addOutput(ValueInfos.floatOutput(extra));
            }
        }
        return graph.model().toBuilder().setGraph(g).build();
    }

    /**
     * A second backward pass: the gradients of this graph's scalar output (seeded with 1) with respect to
     * {@code sources}, when the graph is itself a gradient graph (so these are second derivatives). New names start
     * with {@code namespace}; the outputs are {@code <namespace>grad_<i>}, and the graph keeps its inputs.
     */
    public ModelProto secondOrder(List<String> sources, String namespace) {
        Emitter e = new Emitter(namespace, graph.opset());
        Backward b = backward(sources, false, e, e.onesLike(output), namespace + "grad_");
        GraphProto.Builder g = b.graph();
        g.clearOutput();
        for (int i = 0; i < sources.size(); i++) {
            g.addOutput(ValueInfos.floatOutput(namespace + "grad_" + i));
        }
        return graph.model().toBuilder().setGraph(g).build();
    }

    /** The graph with the backward pass from {@code seed} to every source appended, as {@code <gradPrefix>i}. */
    private record Backward(GraphProto.Builder graph) {
    }

    private Backward backward(List<String> sources, boolean guided, Emitter e, String seed, String gradPrefix) {
        List<NodeProto> path = reach.path(sources);
        reach.checkRules(path);
        Set<String> active = reach.active(sources);
        Map<String, NodeProto> replaced = withMaxPoolIndices(path);
        Map<String, List<String>> contributions = new HashMap<>();
        contributions.computeIfAbsent(output, k -> new ArrayList<>()).add(seed);
        GradContext ctx = new GradContext(e, facts, active, reach.dataDependent(), guided);
        for (int i = path.size() - 1; i >= 0; i--) {
            NodeProto node = replaced.getOrDefault(path.get(i).getName() + "#" + i, path.get(i));
            List<String> outGrads = new ArrayList<>();
            boolean any = false;
            for (int o = 0; o < node.getOutputCount(); o++) {
                String g = GradientRules.carriesGradient(node, o) ? total(e, contributions.get(node.getOutput(o))) : null;
                outGrads.add(g);
                any |= g != null;
            }
            if (!any) {
                continue;
            }
            GradientRule rule = GradientRules.get(node.getOpType());
            List<String> inGrads = rule.backward(node, outGrads, ctx);
            for (int k = 0; k < node.getInputCount(); k++) {
                String in = node.getInput(k);
                if (k < inGrads.size() && inGrads.get(k) != null && ctx.needs(in)) {
                    contributions.computeIfAbsent(in, x -> new ArrayList<>()).add(inGrads.get(k));
                }
            }
        }
        List<String> finalGrads = new ArrayList<>();
        for (String src : sources) {
            String grad = total(e, contributions.get(src));
            finalGrads.add(grad == null ? e.zerosLike(src) : grad);
        }
        Map<String, NodeProto> byOriginal = new HashMap<>();
        for (int i = 0; i < path.size(); i++) {
            NodeProto r = replaced.get(path.get(i).getName() + "#" + i);
            if (r != null) {
                byOriginal.put(key(path.get(i)), r);
            }
        }
        GraphProto.Builder g = graph.graph().toBuilder().clearNode();
        for (NodeProto n : graph.nodes()) {
            g.addNode(byOriginal.getOrDefault(key(n), n));
        }
        g.addAllNode(e.nodes()).addAllInitializer(e.constants());
        for (int i = 0; i < sources.size(); i++) {
            String name = gradPrefix + i;
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name + "_node")
                    .addInput(finalGrads.get(i)).addOutput(name));
        }
        return new Backward(g);
    }

    /** A node's identity within one graph: its name and outputs. */
    static String key(NodeProto n) {
        return n.getName() + "|" + String.join(",", n.getOutputList());
    }

    /** Copies of path MaxPool nodes that also output Indices, keyed by name and path position. */
    private Map<String, NodeProto> withMaxPoolIndices(List<NodeProto> path) {
        Map<String, NodeProto> out = new HashMap<>();
        for (int i = 0; i < path.size(); i++) {
            NodeProto n = path.get(i);
            if (n.getOpType().equals("MaxPool") && (n.getOutputCount() < 2 || n.getOutput(1).isEmpty())) {
                NodeProto.Builder b = n.toBuilder();
                if (b.getOutputCount() < 2) {
                    b.addOutput(n.getOutput(0) + "_cam4j_indices");
                } else {
                    b.setOutput(1, n.getOutput(0) + "_cam4j_indices");
                }
                out.put(n.getName() + "#" + i, b.build());
            }
        }
        return out;
    }

    /** W + top_class * onehot(argmax y), built per image over the flattened output. */
    private String seed(Emitter e) {
        long[] ys = facts.shape(output);
        long classes = 1;
        for (int i = 1; i < ys.length; i++) {
            classes *= ys[i];
        }
        String flat = e.op("Flatten", List.of(output), Attributes.integer("axis", 1));
        String argmax = e.op("ArgMax", List.of(flat), Attributes.integer("axis", 1), Attributes.integer("keepdims", 0));
        // a detector's output may hold another number of rows for every image: its width read at run time
        String depth = reach.dataDependent().contains(output)
                ? e.slice(e.shape(flat), new long[] {1}, new long[] {2}, new long[] {0})
                : e.longs(new long[] {classes}, 1);
        String onehot = e.oneHot(argmax, depth);
        long[] column = new long[ys.length];
        column[0] = -1;
        for (int i = 1; i < ys.length; i++) {
            column[i] = 1;
        }
        String top = e.reshape(TOP_CLASS, column);
        return e.add(SEED, e.mul(top, e.reshapeLike(onehot, output)));
    }

    private static String total(Emitter e, List<String> parts) {
        if (parts == null || parts.isEmpty()) {
            return null;
        }
        return parts.size() == 1 ? parts.get(0) : e.op("Sum", parts);
    }
}
