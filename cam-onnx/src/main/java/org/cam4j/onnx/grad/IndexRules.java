package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/**
 * Ops that select values by indices the model computes at run time (a detector's post-processing: the anchors
 * above a threshold, the top candidates, the boxes non-maximum suppression keeps). The indices are constants of the
 * run: the gradient goes back to the selected positions, read from the same run's index tensors, never from the
 * probe.
 */
final class IndexRules {
    private IndexRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("GatherND", IndexRules::gatherNd);
        rules.put("TopK", IndexRules::topK);
    }

    /**
     * Gather along {@code axis} with indices of the run: y = x[..., i_k, ...] for every index k, so
     * dx[..., j, ...] = sum over k with i_k = j of dy[..., k, ...] (ScatterElements with reduction add, opset 16).
     */
    static List<String> gather(NodeProto node, List<String> g, GradContext ctx, int axis) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        int rank = ctx.facts().rank(x);
        String shape = e.shape(x);
        String before = e.slice(shape, new long[] {0}, new long[] {axis}, new long[] {0});
        String after = e.slice(shape, new long[] {axis + 1}, new long[] {Long.MAX_VALUE}, new long[] {0});
        String flatShape = e.op("Concat", List.of(before, e.vector(-1), after), Attributes.integer("axis", 0));
        String grad = e.op("Reshape", g.get(0), flatShape);
        String flat = e.reshape(e.toInt64(node.getInput(1)), -1);
        // a negative index counts from the end: i + size where i < 0
        String size = e.slice(shape, new long[] {axis}, new long[] {axis + 1}, new long[] {0});
        String negative = e.op("Less", flat, e.longs(new long[] {0}));
        String wrapped = e.op("Where", List.of(negative, e.add(flat, size), flat));
        long[] column = new long[rank];
        java.util.Arrays.fill(column, 1);
        column[axis] = -1;
        String indices = e.expandLike(e.reshape(wrapped, column), grad);
        return first(node, ShapeRules.scatterAdd(e, e.zerosLike(x), indices, grad, axis, true, node));
    }

    /**
     * GatherND (batch_dims 0): y[k] = x[i_k], a slice of x per index tuple, so dx is dy added back at the same
     * tuples (ScatterND with reduction add, opset 16).
     */
    private static List<String> gatherNd(NodeProto node, List<String> g, GradContext ctx) {
        if (Attributes.getInt(node, "batch_dims", 0) != 0) {
            throw new UnsupportedGradientException("GatherND node '" + node.getName() + "' has batch_dims "
                    + Attributes.getInt(node, "batch_dims", 0) + "; only batch_dims 0 is differentiated");
        }
        Emitter e = ctx.emit();
        requireOpset16(e, node, "ScatterND");
        String x = node.getInput(0);
        return first(node, e.op("ScatterND", List.of(e.zerosLike(x), node.getInput(1), g.get(0)),
                Attributes.string("reduction", "add")));
    }

    /**
     * TopK's values: y_k = x[i_k] along {@code axis} with the run's indices, which never repeat, so dx is dy put
     * back at those positions and zero elsewhere.
     */
    private static List<String> topK(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        int rank = ctx.facts().rank(x);
        long axis = Attributes.getInt(node, "axis", -1);
        axis = axis < 0 ? axis + rank : axis;
        String op = e.opset() >= 11 ? "ScatterElements" : "Scatter";
        return first(node, e.op(op, List.of(e.zerosLike(x), node.getOutput(1), g.get(0)),
                Attributes.integer("axis", axis)));
    }

    private static void requireOpset16(Emitter e, NodeProto node, String needs) {
        if (e.opset() < 16) {
            throw new UnsupportedGradientException(node.getOpType() + " node '" + node.getName() + "': its gradient"
                    + " needs " + needs + " with reduction=add, which needs opset 16 (the model has " + e.opset()
                    + "): re-export with opset >= 16");
        }
    }
}
