package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Reductions and the softmax family. */
final class ReduceRules {
    private ReduceRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("ReduceSum", (node, g, ctx) -> first(node,
                ctx.emit().expandLike(keptDims(node, g.get(0), ctx), node.getInput(0))));
        rules.put("ReduceMean", (node, g, ctx) -> {
            long count = 1;
            long[] in = ctx.facts().shape(node.getInput(0));
            for (long a : axes(node, ctx)) {
                count *= in[(int) a];
            }
            Emitter e = ctx.emit();
            return first(node, e.div(e.expandLike(keptDims(node, g.get(0), ctx), node.getInput(0)), e.scalar(count)));
        });
        rules.put("ReduceMax", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String y = keptDims(node, node.getOutput(0), ctx);
            return first(node, e.mul(keptDims(node, g.get(0), ctx), PoolRules.atMaximum(e, node.getInput(0), y)));
        });
        rules.put("Softmax", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String y = node.getOutput(0);
            String dot = e.reduceSum(e.mul(g.get(0), y), softmaxAxes(node, ctx), true);
            return first(node, e.mul(y, e.sub(g.get(0), dot)));
        });
        rules.put("LogSoftmax", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String total = e.reduceSum(g.get(0), softmaxAxes(node, ctx), true);
            return first(node, e.sub(g.get(0), e.mul(e.op("Exp", node.getOutput(0)), total)));
        });
    }

    /** The reduced axes, normalised and sorted; all axes when none are given. */
    static long[] axes(NodeProto node, GradContext ctx) {
        int rank = ctx.facts().rank(node.getInput(0));
        long[] axes = Attributes.getInts(node, "axes");
        if (axes == null && node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            axes = ctx.facts().values(node.getInput(1));
            if (axes == null) {
                throw new UnsupportedGradientException(node.getOpType() + " node '" + node.getName()
                        + "' has axes that are not a known constant");
            }
        }
        if (axes == null || axes.length == 0) {
            if (Attributes.getInt(node, "noop_with_empty_axes", 0) == 1) {
                return new long[0];
            }
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    }

    /** A reduction's output (or its gradient) with the reduced axes put back as size 1. */
    private static String keptDims(NodeProto node, String reduced, GradContext ctx) {
        if (Attributes.getInt(node, "keepdims", 1) == 1) {
            return reduced;
        }
        long[] axes = axes(node, ctx);
        return axes.length == 0 ? reduced : ctx.emit().unsqueeze(reduced, axes);
    }

    /** Softmax normalises over one axis from opset 13, over all axes from {@code axis} on before. */
    private static long[] softmaxAxes(NodeProto node, GradContext ctx) {
        int rank = ctx.facts().rank(node.getInput(0));
        boolean modern = ctx.emit().opset() >= 13;
        long axis = Attributes.getInt(node, "axis", modern ? -1 : 1);
        int first = (int) (axis < 0 ? axis + rank : axis);
        if (modern) {
            return new long[] {first};
        }
        long[] axes = new long[rank - first];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = first + i;
        }
        return axes;
    }
}
