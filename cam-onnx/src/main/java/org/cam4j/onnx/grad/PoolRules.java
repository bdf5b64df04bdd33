package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Pooling and resizing. */
final class PoolRules {
    private PoolRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("MaxPool", PoolRules::maxPool);
        rules.put("AveragePool", PoolRules::averagePool);
        rules.put("GlobalAveragePool", (node, g, ctx) -> {
            long[] in = ctx.facts().shape(node.getInput(0));
            long area = 1;
            for (int i = 2; i < in.length; i++) {
                area *= in[i];
            }
            Emitter e = ctx.emit();
            return first(node, e.div(e.expandLike(g.get(0), node.getInput(0)), e.scalar(area)));
        });
        rules.put("GlobalMaxPool", (node, g, ctx) -> first(node,
                ctx.emit().mul(g.get(0), atMaximum(ctx.emit(), node.getInput(0), node.getOutput(0)))));
        rules.put("Resize", new ResizeRule());
        rules.put("Upsample", new ResizeRule());
        rules.put("RoiAlign", new RoiAlignRule());
    }

    /** 1.0 where x equals the (broadcast) maximum y. */
    static String atMaximum(Emitter e, String x, String y) {
        return e.toFloat(e.op("Not", e.op("Less", x, y)));
    }

    /**
     * Scatters each output gradient to the input position its maximum came from (MaxPool's Indices output,
     * added to the forward node by the graph builder).
     */
    private static List<String> maxPool(NodeProto node, List<String> g, GradContext ctx) {
        if (node.getOutputCount() < 2 || node.getOutput(1).isEmpty()) {
            throw new IllegalStateException("MaxPool node '" + node.getName() + "' lacks its Indices output");
        }
        if (Attributes.getInt(node, "storage_order", 0) != 0) {
            throw new UnsupportedGradientException("MaxPool node '" + node.getName() + "' uses column-major indices");
        }
        long[] kernel = Attributes.getInts(node, "kernel_shape");
        long[] strides = LinearRules.orOnes(Attributes.getInts(node, "strides"), kernel.length);
        long[] dilations = LinearRules.orOnes(Attributes.getInts(node, "dilations"), kernel.length);
        boolean overlapping = false;
        for (int i = 0; i < kernel.length; i++) {
            overlapping |= (kernel[i] - 1) * dilations[i] + 1 > strides[i];
        }
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        String flatX = e.reshape(x, -1);
        String scattered = ShapeRules.scatterAdd(e, e.zerosLike(flatX), e.reshape(node.getOutput(1), -1),
                e.reshape(g.get(0), -1), 0, overlapping, node);
        return first(node, e.reshapeLike(scattered, x));
    }

    /**
     * Average pooling is a depthwise convolution with a ones kernel divided by the window count: its gradient is
     * the output gradient divided by the counts, spread back with ConvTranspose.
     */
    private static List<String> averagePool(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        long[] in = ctx.facts().shape(x);
        long[] out = ctx.facts().shape(node.getOutput(0));
        long[] kernel = Attributes.getInts(node, "kernel_shape");
        int n = kernel.length;
        long[] strides = LinearRules.orOnes(Attributes.getInts(node, "strides"), n);
        long[] dilations = LinearRules.orOnes(Attributes.getInts(node, "dilations"), n);
        long[] pads = LinearRules.explicitPads(node, in, out, kernel, strides, dilations);
        long channels = in[1];
        long[] wShape = new long[n + 2];
        wShape[0] = channels;
        wShape[1] = 1;
        int window = 1;
        for (int i = 0; i < n; i++) {
            wShape[2 + i] = kernel[i];
            window *= (int) kernel[i];
        }
        float[] ones = new float[(int) channels * window];
        Arrays.fill(ones, 1f);
        String w = e.floats(ones, wShape);
        // counts of the elements each window averages: a ones image (padding counted as ones when
        // count_include_pad), windows past the padded edge (ceil_mode) counted as zeros
        boolean includePad = Attributes.getInt(node, "count_include_pad", 0) == 1;
        String base = e.op("ConstantOfShape", List.of(e.shape(x)), onesValue());
        long[] convPads = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long beyond = Math.max(0, (out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1
                    - in[2 + i] - pads[i] - pads[n + i]);
            convPads[i] = includePad ? 0 : pads[i];
            convPads[n + i] = includePad ? beyond : pads[n + i] + beyond;
        }
        if (includePad) {
            long[] full = new long[2 * (n + 2)];
            for (int i = 0; i < n; i++) {
                full[2 + i] = pads[i];
                full[n + 4 + i] = pads[n + i];
            }
            base = e.opset() >= 11 ? e.op("Pad", List.of(base, e.vector(full), e.scalar(1f)))
                    : e.op("Pad", List.of(base), Attributes.ints("pads", full), Attributes.real("value", 1f));
        }
        String counts = e.op("Conv", List.of(base, w), Attributes.ints("strides", strides),
                Attributes.ints("dilations", dilations), Attributes.ints("pads", convPads),
                Attributes.integer("group", channels));
        String scaled = e.div(g.get(0), counts);
        return first(node, LinearRules.transposedWindow(e, scaled, w, in, out, kernel, strides, dilations, pads,
                channels));
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto onesValue() {
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                        .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(1)
                        .addFloatData(1f)).build();
    }
}
