package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Ops that move values without changing them: reshapes, transposes, slicing, gathering, padding, concatenation. */
final class ShapeRules {
    private ShapeRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        GradientRule reshapeBack = (node, g, ctx) -> first(node, ctx.emit().reshapeLike(g.get(0), node.getInput(0)));
        for (String op : List.of("Flatten", "Reshape", "Squeeze", "Unsqueeze")) {
            rules.put(op, reshapeBack);
        }
        rules.put("Transpose", ShapeRules::transpose);
        rules.put("Concat", ShapeRules::concat);
        rules.put("Split", ShapeRules::split);
        rules.put("Slice", ShapeRules::slice);
        rules.put("Gather", ShapeRules::gather);
        rules.put("ScatterElements", ShapeRules::scatterElements);
        rules.put("Pad", ShapeRules::pad);
        rules.put("Tile", ShapeRules::tile);
    }

    /** Tile: the gradient of each input element is the sum over its copies ([r0, d0, r1, d1, ..] summed over r). */
    private static List<String> tile(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        long[] in = ctx.facts().shape(node.getInput(0));
        long[] repeats = known(ctx, node, 1);
        long[] split = new long[2 * in.length];
        long[] axes = new long[in.length];
        for (int a = 0; a < in.length; a++) {
            split[2 * a] = repeats[a];
            split[2 * a + 1] = a == 0 ? -1 : in[a];
            axes[a] = 2L * a;
        }
        return first(node, e.reshapeLike(e.reduceSum(e.reshape(g.get(0), split), axes, false), node.getInput(0)));
    }

    private static List<String> transpose(NodeProto node, List<String> g, GradContext ctx) {
        long[] perm = Attributes.getInts(node, "perm");
        int rank = ctx.facts().rank(node.getInput(0));
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        return first(node, ctx.emit().op("Transpose", List.of(g.get(0)), Attributes.ints("perm", inverse)));
    }

    private static int axis(NodeProto node, String tensor, GradContext ctx, long fallback) {
        long axis = Attributes.getInt(node, "axis", fallback);
        return (int) (axis < 0 ? axis + ctx.facts().rank(tensor) : axis);
    }

    private static List<String> concat(NodeProto node, List<String> g, GradContext ctx) {
        int axis = axis(node, node.getOutput(0), ctx, 0);
        if (node.getInputList().stream().anyMatch(ctx::dataDependent)) {
            return concatAtRunTime(node, g, ctx, axis);
        }
        List<String> out = new ArrayList<>();
        long offset = 0;
        for (String input : node.getInputList()) {
            long size = ctx.facts().shape(input)[axis];
            out.add(ctx.needs(input) ? ctx.emit().slice(g.get(0), new long[] {offset}, new long[] {offset + size},
                    new long[] {axis}) : null);
            offset += size;
        }
        return out;
    }

    /** Concat of parts whose sizes change from image to image: each part's extent read from its shape at run time. */
    private static List<String> concatAtRunTime(NodeProto node, List<String> g, GradContext ctx, int axis) {
        Emitter e = ctx.emit();
        if (e.opset() < 10) {
            throw new UnsupportedGradientException("Concat node '" + node.getName() + "' joins parts of"
                    + " data-dependent sizes; its gradient needs Slice with computed bounds (opset >= 10)");
        }
        List<String> out = new ArrayList<>();
        String start = e.vector(0);
        for (String input : node.getInputList()) {
            String end = e.add(start, e.slice(e.shape(input), new long[] {axis}, new long[] {axis + 1},
                    new long[] {0}));
            out.add(ctx.needs(input) ? e.op("Slice", List.of(g.get(0), start, end, e.vector(axis))) : null);
            start = end;
        }
        return out;
    }

    private static List<String> split(NodeProto node, List<String> g, GradContext ctx) {
        int axis = axis(node, node.getInput(0), ctx, 0);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < node.getOutputCount(); i++) {
            parts.add(g.get(i) != null ? g.get(i) : ctx.emit().zerosLike(node.getOutput(i)));
        }
        return first(node, ctx.emit().op("Concat", parts, Attributes.integer("axis", axis)));
    }

    /**
     * Slice with positive steps: along each axis with a step s > 1 the output gradient is interleaved with s - 1
     * zeros (Unsqueeze, Pad, Reshape); then everything is zero-padded back to the input's extent.
     */
    private static List<String> slice(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        if (ctx.dataDependent(x) && e.opset() >= 10) {
            return sliceAtRunTime(node, g, e);
        }
        if (ctx.dataDependent(x)) {
            throw new UnsupportedGradientException("Slice node '" + node.getName() + "' cuts a tensor whose shape"
                    + " changes from image to image; its gradient needs Slice's bounds as inputs (opset >= 10)");
        }
        long[] shape = ctx.facts().shape(x);
        long[] current = ctx.facts().shape(node.getOutput(0)).clone();
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (e.opset() >= 10) {
            starts = known(ctx, node, 1);
            ends = known(ctx, node, 2);
            axes = node.getInputCount() > 3 && !node.getInput(3).isEmpty() ? known(ctx, node, 3) : null;
            steps = node.getInputCount() > 4 && !node.getInput(4).isEmpty() ? known(ctx, node, 4) : null;
        } else {
            starts = Attributes.getInts(node, "starts");
            ends = Attributes.getInts(node, "ends");
            axes = Attributes.getInts(node, "axes");
        }
        String grad = g.get(0);
        long[] pads = new long[2 * shape.length];
        for (int i = 0; i < starts.length; i++) {
            int axis = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + shape.length : axes[i]);
            long step = steps == null ? 1 : steps[i];
            if (step < 1) {
                throw new UnsupportedGradientException("Slice node '" + node.getName() + "' has step " + step
                        + "; only positive steps are differentiated");
            }
            long dim = shape[axis];
            long start = clamp(starts[i] < 0 ? starts[i] + dim : starts[i], dim);
            long end = clamp(ends[i] < 0 ? ends[i] + dim : ends[i], dim);
            if (step > 1) {
                grad = interleaveZeros(e, grad, axis, step, current);
                long spread = current[axis] * step;
                long excess = start + spread - dim;
                if (excess > 0) {
                    grad = e.slice(grad, new long[] {0}, new long[] {spread - excess}, new long[] {axis});
                    spread -= excess;
                }
                current[axis] = spread;
                end = start + spread;
            }
            pads[axis] = start;
            pads[shape.length + axis] = dim - Math.max(start, end);
        }
        return first(node, e.pad(grad, pads));
    }

    /**
     * Slice of a tensor whose shape changes from image to image, with the node's own bounds at run time: the same
     * Slice of x's flat positions says where each output element came from, and the gradient is scattered there.
     */
    private static List<String> sliceAtRunTime(NodeProto node, List<String> g, Emitter e) {
        String x = node.getInput(0);
        String positions = e.op("Reshape", e.op("Range", List.of(e.longs(new long[] {0}), e.op("Size", x),
                e.longs(new long[] {1}))), e.shape(x));
        List<String> inputs = new ArrayList<>(node.getInputList());
        inputs.set(0, positions);
        String taken = e.reshape(e.op("Slice", inputs), -1);
        String flat = e.op("ScatterElements", List.of(e.reshape(e.zerosLike(x), -1), taken, e.reshape(g.get(0), -1)),
                Attributes.integer("axis", 0));
        return first(node, e.reshapeLike(flat, x));
    }

    /** [.., m, ..] to [.., m * step, ..] along {@code axis}, each value followed by step - 1 zeros. */
    private static String interleaveZeros(Emitter e, String grad, int axis, long step, long[] current) {
        int rank = current.length;
        String u = e.unsqueeze(grad, axis + 1);
        long[] pads = new long[2 * (rank + 1)];
        pads[rank + 1 + axis + 1] = step - 1;
        String padded = e.pad(u, pads);
        long[] target = new long[rank];
        for (int a = 0; a < rank; a++) {
            target[a] = a < axis ? 0 : a == axis ? current[axis] * step : current[a];
        }
        return e.reshape(padded, target);
    }

    private static long clamp(long v, long dim) {
        return Math.max(0, Math.min(dim, v));
    }

    private static long[] known(GradContext ctx, NodeProto node, int input) {
        long[] v = ctx.facts().values(node.getInput(input));
        if (v == null) {
            throw new UnsupportedGradientException(node.getOpType() + " node '" + node.getName() + "' input "
                    + input + " ('" + node.getInput(input) + "') is not a known constant");
        }
        return v;
    }

    /** Gather along one axis: the output gradient scattered back to the gathered positions (added where repeated). */
    private static List<String> gather(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        int axis = axis(node, x, ctx, 0);
        if (ctx.dataDependent(node.getInput(1)) || ctx.dataDependent(x)
                || ctx.facts().values(node.getInput(1)) == null) {
            return IndexRules.gather(node, g, ctx, axis);
        }
        long[] xs = ctx.facts().shape(x);
        long[] idx = known(ctx, node, 1).clone();
        for (int i = 0; i < idx.length; i++) {
            idx[i] = idx[i] < 0 ? idx[i] + xs[axis] : idx[i];
        }
        boolean repeated = new HashSet<>(Arrays.stream(idx).boxed().toList()).size() < idx.length;
        long[] gShape = new long[xs.length];
        long[] idxShape = new long[xs.length];
        for (int a = 0; a < xs.length; a++) {
            gShape[a] = a < axis ? 0 : a == axis ? idx.length : xs[a];
            idxShape[a] = a == axis ? idx.length : 1;
        }
        String grad = e.reshape(g.get(0), gShape);
        String indices = e.expandLike(e.longs(idx, idxShape), grad);
        return first(node, scatterAdd(e, e.zerosLike(x), indices, grad, axis, repeated, node));
    }

    /**
     * ScatterElements (second-order passes meet it as Gather's and MaxPool's backward): the updates get the gradient
     * at their positions (GatherElements); the data gets it everywhere with reduction add, else everywhere but the
     * overwritten positions.
     */
    private static List<String> scatterElements(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        long axis = Attributes.getInt(node, "axis", 0);
        String indices = node.getInput(1);
        String updates = e.op("GatherElements", List.of(g.get(0), indices), Attributes.integer("axis", axis));
        String reduction = Attributes.getString(node, "reduction", "none");
        if (!reduction.equals("none") && !reduction.equals("add")) {
            throw new UnsupportedGradientException("ScatterElements node '" + node.getName() + "' reduces with "
                    + reduction + "; only none and add are differentiated");
        }
        String data = reduction.equals("add") ? g.get(0)
                : e.op("ScatterElements", List.of(g.get(0), indices, e.zerosLike(node.getInput(2))),
                Attributes.integer("axis", axis));
        return java.util.Arrays.asList(data, null, updates);
    }

    /** ScatterElements that adds (opset 16+), or plain assignment where indices never repeat. */
    static String scatterAdd(Emitter e, String data, String indices, String updates, int axis, boolean repeated,
                             NodeProto node) {
        if (e.opset() >= 16) {
            return e.op("ScatterElements", List.of(data, indices, updates), Attributes.integer("axis", axis),
                    Attributes.string("reduction", "add"));
        }
        if (repeated) {
            throw new UnsupportedGradientException(node.getOpType() + " node '" + node.getName()
                    + "' reads some inputs more than once; its gradient needs ScatterElements with reduction=add,"
                    + " which needs opset 16 (the model has " + e.opset() + "): re-export with opset >= 16");
        }
        return e.op(e.opset() >= 11 ? "ScatterElements" : "Scatter", List.of(data, indices, updates),
                Attributes.integer("axis", axis));
    }

    /** Constant padding: the gradient is the output gradient with the padding sliced off. */
    private static List<String> pad(NodeProto node, List<String> g, GradContext ctx) {
        String mode = Attributes.getString(node, "mode", "constant");
        if (!mode.equals("constant")) {
            throw new UnsupportedGradientException("Pad node '" + node.getName() + "' uses mode '" + mode
                    + "'; only constant padding is differentiated");
        }
        long[] pads = ctx.emit().opset() >= 11 ? known(ctx, node, 1) : Attributes.getInts(node, "pads");
        int rank = pads.length / 2;
        long[] axesOrder = null;
        if (ctx.emit().opset() >= 18 && node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
            axesOrder = known(ctx, node, 3);
            rank = ctx.facts().rank(node.getInput(0));
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        int listed = pads.length / 2;
        for (int i = 0; i < listed; i++) {
            int axis = (int) (axesOrder == null ? i : axesOrder[i] < 0 ? axesOrder[i] + rank : axesOrder[i]);
            if (pads[i] < 0 || pads[listed + i] < 0) {
                throw new UnsupportedGradientException("Pad node '" + node.getName() + "' crops (negative pads);"
                        + " only non-negative padding is differentiated");
            }
            begin[axis] = pads[i];
            end[axis] = pads[listed + i];
        }
        long[] starts = new long[rank];
        long[] ends = new long[rank];
        long[] axes = new long[rank];
        for (int a = 0; a < rank; a++) {
            starts[a] = begin[a];
            ends[a] = end[a] == 0 ? Long.MAX_VALUE : -end[a];
            axes[a] = a;
        }
        return first(node, ctx.emit().slice(g.get(0), starts, ends, axes));
    }
}
