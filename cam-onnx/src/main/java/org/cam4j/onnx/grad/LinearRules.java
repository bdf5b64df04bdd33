package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Matrix products and convolutions. Weight gradients are never needed: only activations are explained. */
final class LinearRules {
    private LinearRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("MatMul", LinearRules::matmul);
        rules.put("Gemm", LinearRules::gemm);
        rules.put("Conv", LinearRules::conv);
        rules.put("ConvTranspose", LinearRules::convTranspose);
        rules.put("Einsum", LinearRules::einsum);
    }

    /**
     * Two-operand Einsum "a,b->o": dA = Einsum("o,b->a", g, B) and dB = Einsum("a,o->b", A, g), valid when every
     * index of an operand also appears in the output or in the other operand (no traces, no sums over one operand).
     */
    private static List<String> einsum(NodeProto node, List<String> g, GradContext ctx) {
        String equation = Attributes.getString(node, "equation", "").replace(" ", "");
        String[] sides = equation.split("->");
        String[] operands = sides[0].split(",");
        if (sides.length != 2 || operands.length != 2 || equation.contains(".")) {
            throw new UnsupportedGradientException("Einsum node '" + node.getName() + "' ('" + equation
                    + "'): only explicit two-operand equations without ellipsis are differentiated");
        }
        String a = operands[0];
        String b = operands[1];
        String o = sides[1];
        for (String[] pair : new String[][] {{a, b}, {b, a}}) {
            for (char c : pair[0].toCharArray()) {
                if (o.indexOf(c) < 0 && pair[1].indexOf(c) < 0 || pair[0].indexOf(c) != pair[0].lastIndexOf(c)) {
                    throw new UnsupportedGradientException("Einsum node '" + node.getName() + "' ('" + equation
                            + "') sums or repeats index '" + c + "' within one operand");
                }
            }
        }
        Emitter e = ctx.emit();
        List<String> out = new ArrayList<>(Arrays.asList(null, null));
        if (ctx.needs(node.getInput(0))) {
            out.set(0, e.op("Einsum", List.of(g.get(0), node.getInput(1)),
                    Attributes.string("equation", o + "," + b + "->" + a)));
        }
        if (ctx.needs(node.getInput(1))) {
            out.set(1, e.op("Einsum", List.of(node.getInput(0), g.get(0)),
                    Attributes.string("equation", a + "," + o + "->" + b)));
        }
        return out;
    }

    private static String swapLastTwo(Emitter e, String x, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        return e.op("Transpose", List.of(x), Attributes.ints("perm", perm));
    }

    /** Y = A B, batched with broadcasting: dA = g B^T, dB = A^T g, each summed over broadcast batch axes. */
    private static List<String> matmul(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String a = node.getInput(0);
        String b = node.getInput(1);
        long[] as = ctx.facts().shape(a);
        long[] bs = ctx.facts().shape(b);
        long[] ys = ctx.facts().shape(node.getOutput(0));
        List<String> out = new ArrayList<>(Arrays.asList(null, null));
        if (as.length < 2) {
            throw new UnsupportedGradientException("MatMul node '" + node.getName() + "' has a 1-d first input");
        }
        if (bs.length == 1) {
            String gx = e.unsqueeze(g.get(0), ys.length);
            if (ctx.needs(a)) {
                out.set(0, e.mul(gx, b));
            }
            if (ctx.needs(b)) {
                long[] axes = new long[as.length - 1];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i;
                }
                out.set(1, e.reduceSum(e.mul(gx, a), axes, false));
            }
            return out;
        }
        if (ctx.needs(a)) {
            out.set(0, sumTo(e, e.op("MatMul", g.get(0), swapLastTwo(e, b, bs.length)), as, ys, a));
        }
        if (ctx.needs(b)) {
            out.set(1, sumTo(e, e.op("MatMul", swapLastTwo(e, a, as.length), g.get(0)), bs, ys, b));
        }
        return out;
    }

    /** Sums a batched product gradient (batch axes of y, last two of the input) back to the input's shape. */
    private static String sumTo(Emitter e, String grad, long[] inShape, long[] outShape, String input) {
        int lead = outShape.length - inShape.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < outShape.length - 2; i++) {
            if (i < lead || (inShape[i - lead] == 1 && outShape[i] != 1)) {
                axes.add((long) i);
            }
        }
        if (axes.isEmpty()) {
            return grad;
        }
        return e.reshapeLike(e.reduceSum(grad, axes.stream().mapToLong(Long::longValue).toArray(), true), input);
    }

    /** Y = alpha A' B' + beta C with A' = transA ? A^T : A (likewise B'). */
    private static List<String> gemm(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        float alpha = Attributes.getFloat(node, "alpha", 1f);
        float beta = Attributes.getFloat(node, "beta", 1f);
        long transA = Attributes.getInt(node, "transA", 0);
        long transB = Attributes.getInt(node, "transB", 0);
        String a = node.getInput(0);
        String b = node.getInput(1);
        String gy = g.get(0);
        List<String> out = new ArrayList<>(Arrays.asList(null, null, null));
        AttributeProto alphaAttr = Attributes.real("alpha", alpha);
        if (ctx.needs(a)) {
            out.set(0, transA == 0
                    ? e.op("Gemm", gemmInputs(e, gy, b), alphaAttr, Attributes.integer("transB", 1 - transB))
                    : e.op("Gemm", gemmInputs(e, b, gy), alphaAttr, Attributes.integer("transA", transB),
                    Attributes.integer("transB", 1)));
        }
        if (ctx.needs(b)) {
            out.set(1, transB == 0
                    ? e.op("Gemm", gemmInputs(e, a, gy), alphaAttr, Attributes.integer("transA", 1 - transA))
                    : e.op("Gemm", gemmInputs(e, gy, a), alphaAttr, Attributes.integer("transA", 1),
                    Attributes.integer("transB", transA)));
        }
        if (node.getInputCount() > 2 && ctx.needs(node.getInput(2))) {
            out.set(2, ctx.unbroadcast(e.mul(gy, e.scalar(beta)), node.getInput(2), node.getOutput(0)));
        }
        return out;
    }

    /** Gemm's C is optional from opset 11; before, a broadcast zero stands in. */
    private static List<String> gemmInputs(Emitter e, String a, String b) {
        return e.opset() >= 11 ? List.of(a, b) : List.of(a, b, e.scalar(0f));
    }

    /** Explicit begin/end pads of a windowed op (Conv, pooling), resolving auto_pad from the probed shapes. */
    static long[] explicitPads(NodeProto node, long[] in, long[] out, long[] kernel, long[] strides, long[] dilations) {
        int n = kernel.length;
        String autoPad = Attributes.getString(node, "auto_pad", "NOTSET");
        long[] pads = Attributes.getInts(node, "pads");
        long[] result = new long[2 * n];
        for (int i = 0; i < n; i++) {
            if (autoPad.startsWith("SAME")) {
                long total = Math.max(0, (out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[2 + i]);
                long small = total / 2;
                result[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                result[n + i] = total - result[i];
            } else if (pads != null && !autoPad.equals("VALID")) {
                result[i] = pads[i];
                result[n + i] = pads[n + i];
            }
        }
        return result;
    }

    static long[] orOnes(long[] values, int n) {
        if (values != null) {
            return values;
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    /**
     * The input gradient of a windowed op with the given weight: ConvTranspose with the same strides, dilations and
     * group, and pads/output_padding chosen so the result lands exactly on the input's size.
     */
    static String transposedWindow(Emitter e, String grad, String weight, long[] in, long[] out, long[] kernel,
                                   long[] strides, long[] dilations, long[] pads, long group) {
        int n = kernel.length;
        long[] p = pads.clone();
        long[] outputPadding = new long[n];
        for (int i = 0; i < n; i++) {
            long natural = (out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - p[i] - p[n + i];
            long missing = in[2 + i] - natural;
            if (missing >= 0) {
                outputPadding[i] = missing;
            } else {
                p[n + i] -= missing;
            }
        }
        return e.op("ConvTranspose", List.of(grad, weight), Attributes.ints("strides", strides),
                Attributes.ints("dilations", dilations), Attributes.ints("pads", p),
                Attributes.ints("output_padding", outputPadding), Attributes.integer("group", group));
    }

    private static List<String> conv(NodeProto node, List<String> g, GradContext ctx) {
        if (ctx.needs(node.getInput(1))) {
            throw new UnsupportedGradientException("Conv node '" + node.getName() + "' has weights computed from"
                    + " the target layer; only constant weights are supported");
        }
        long[] in = ctx.facts().shape(node.getInput(0));
        long[] out = ctx.facts().shape(node.getOutput(0));
        long[] w = ctx.facts().shape(node.getInput(1));
        int n = in.length - 2;
        long[] kernel = Arrays.copyOfRange(w, 2, w.length);
        long[] strides = orOnes(Attributes.getInts(node, "strides"), n);
        long[] dilations = orOnes(Attributes.getInts(node, "dilations"), n);
        long[] pads = explicitPads(node, in, out, kernel, strides, dilations);
        return first(node, transposedWindow(ctx.emit(), g.get(0), node.getInput(1), in, out, kernel, strides,
                dilations, pads, Attributes.getInt(node, "group", 1)));
    }

    /** The input gradient of a transposed convolution is the convolution with the same weight. */
    private static List<String> convTranspose(NodeProto node, List<String> g, GradContext ctx) {
        String autoPad = Attributes.getString(node, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") || Attributes.find(node, "output_shape") != null) {
            throw new UnsupportedGradientException("ConvTranspose node '" + node.getName()
                    + "' uses auto_pad/output_shape; only explicit pads are differentiated");
        }
        int n = ctx.facts().rank(node.getInput(0)) - 2;
        List<AttributeProto> attrs = new ArrayList<>();
        attrs.add(Attributes.ints("strides", orOnes(Attributes.getInts(node, "strides"), n)));
        attrs.add(Attributes.ints("dilations", orOnes(Attributes.getInts(node, "dilations"), n)));
        long[] pads = Attributes.getInts(node, "pads");
        attrs.add(Attributes.ints("pads", pads == null ? new long[2 * n] : pads));
        attrs.add(Attributes.integer("group", Attributes.getInt(node, "group", 1)));
        return first(node, ctx.emit().op("Conv", List.of(g.get(0), node.getInput(1)),
                attrs.toArray(new AttributeProto[0])));
    }
}
