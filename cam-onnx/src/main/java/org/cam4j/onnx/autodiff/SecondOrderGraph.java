package org.cam4j.onnx.autodiff;

import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.onnx.runtime.ShapeProbe;
import org.cam4j.tensor.Tensor;

/**
 * Hessian-vector products by a second reverse pass through a head's gradient graph (as a double backward pass
 * gives them): the head's gradient g = J^T s of the seed s, then z = sum(g * v) for a fed vector v, then the
 * gradients of z with respect to the layer, d z / d A = (sum_k s_k d2y_k/dA2) v, and with respect to the seed,
 * d z / d s = J v. Outputs {@code cam4j_2nd_grad_0} and {@code cam4j_2nd_grad_1}; inputs those of the head's
 * gradient graph plus {@link #VECTOR}.
 */
public final class SecondOrderGraph {
    /** The fed vector v, shaped like the layer. */
    public static final String VECTOR = "cam4j_hvp_vector";
    /** Prefix of the second pass's names. */
    public static final String NAMESPACE = "cam4j_2nd_";
    /** Output: (sum_k s_k d2y_k/dA2) v. */
    public static final String LAYER_TERM = NAMESPACE + "grad_0";
    /** Output: J v. */
    public static final String SEED_TERM = NAMESPACE + "grad_1";

    private SecondOrderGraph() {
    }

    /** @param feeds the inputs it will run on (the layer rows, cut tensors, seed, top class and vector): probed once */
    public static ModelProto build(OnnxGraph graph, TensorFacts facts, String output, String layer,
                                   Map<String, Tensor> feeds) {
        ModelProto first = new GraphCuts(graph, facts, output, new Reachability(graph, output)).headGradients(layer);
        Emitter e = new Emitter("cam4j_hvp_", graph.opset());
        String product = e.mul(GradientGraphBuilder.GRAD_PREFIX + 0, VECTOR);
        String z = e.op("ReduceSum", List.of(product), Attributes.integer("keepdims", 0));
        var g = first.getGraph().toBuilder();
        g.addAllNode(e.nodes()).addAllInitializer(e.constants());
        g.addInput(ValueInfos.floatInput(VECTOR, facts.rank(layer)));
        g.clearOutput().addOutput(ValueInfos.floatOutput(z));
        OnnxGraph withZ = new OnnxGraph(first.toBuilder().setGraph(g).build());
        TensorFacts known = facts.forGraph(withZ);
        Set<String> probe = new LinkedHashSet<>();
        for (NodeProto n : withZ.nodes()) {
            for (String o : n.getOutputList()) {
                if (!o.isEmpty() && !known.hasShape(o)) {
                    probe.add(o);
                }
            }
        }
        ShapeProbe.run(withZ, probe, feeds, known);
        return new GradientGraphBuilder(withZ, known, z).secondOrder(List.of(layer, GradientGraphBuilder.SEED),
                NAMESPACE);
    }
}
