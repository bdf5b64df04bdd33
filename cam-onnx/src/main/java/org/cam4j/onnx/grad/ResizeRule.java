package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/**
 * Resize and Upsample: along each spatial axis the op is a fixed linear map y = M x (nearest, linear or cubic
 * weights from ONNX's coordinate transformation), so the input gradient is M_h^T g M_w: two MatMuls with constant
 * matrices built from the probed shapes.
 */
final class ResizeRule implements GradientRule {
    @Override
    public List<String> backward(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        long[] in = ctx.facts().shape(node.getInput(0));
        long[] out = ctx.facts().shape(node.getOutput(0));
        if (in.length < 3 || in.length > 4 || in[0] != out[0] || in[1] != out[1]) {
            throw new UnsupportedGradientException(node.getOpType() + " node '" + node.getName() + "' resizes "
                    + Arrays.toString(in) + " to " + Arrays.toString(out) + "; only the spatial axes of 3-d or 4-d"
                    + " tensors are differentiated");
        }
        if (Attributes.getInt(node, "antialias", 0) != 0) {
            throw new UnsupportedGradientException("Resize node '" + node.getName() + "' uses antialias");
        }
        float[] scales = scales(node, ctx, in, out);
        String grad = g.get(0);
        int w = in.length - 1;
        grad = e.op("MatMul", grad, matrix(e, node, in[w], out[w], scales[w], false));
        if (in.length == 4) {
            grad = e.op("MatMul", matrix(e, node, in[2], out[2], scales[2], true), grad);
        }
        return first(node, grad);
    }

    /** The resize scale per axis: the node's scales when given as constants, else output / input. */
    private static float[] scales(NodeProto node, GradContext ctx, long[] in, long[] out) {
        float[] given = null;
        if (Attributes.find(node, "scales") != null) {
            List<Float> list = Attributes.find(node, "scales").getFloatsList();
            given = new float[list.size()];
            for (int i = 0; i < given.length; i++) {
                given[i] = list.get(i);
            }
        } else {
            int index = node.getOpType().equals("Upsample") || ctx.emit().opset() < 11 ? 1 : 2;
            if (node.getInputCount() > index && !node.getInput(index).isEmpty()) {
                given = ctx.facts().floats(node.getInput(index));
            }
        }
        float[] scales = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            scales[i] = given != null && given.length == in.length ? given[i] : (float) out[i] / in[i];
        }
        return scales;
    }

    /** The out x in interpolation matrix M of one axis, or its transpose (in x out), as a constant. */
    private static String matrix(Emitter e, NodeProto node, long inSize, long outSize, float scale, boolean transposed) {
        double[][] m = weights(node, (int) inSize, (int) outSize, scale, e.opset());
        float[] flat = new float[(int) (inSize * outSize)];
        for (int o = 0; o < outSize; o++) {
            for (int i = 0; i < inSize; i++) {
                flat[transposed ? (int) (i * outSize + o) : (int) (o * inSize + i)] = (float) m[o][i];
            }
        }
        return transposed ? e.floats(flat, inSize, outSize) : e.floats(flat, outSize, inSize);
    }

    /** Row o holds the weights of input positions for output position o, per ONNX's Resize definition. */
    static double[][] weights(NodeProto node, int in, int out, float scale, int opset) {
        String mode = Attributes.getString(node, "mode", "nearest");
        String transform = node.getOpType().equals("Upsample") || opset < 11 ? "asymmetric"
                : Attributes.getString(node, "coordinate_transformation_mode", "half_pixel");
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double x = switch (transform) {
                case "half_pixel" -> (o + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
                case "align_corners" -> out > 1 ? o * (in - 1.0) / (out - 1.0) : 0;
                case "asymmetric" -> o / (double) scale;
                default -> throw new UnsupportedGradientException("Resize node '" + node.getName()
                        + "' uses coordinate_transformation_mode " + transform);
            };
            switch (mode) {
                case "nearest" -> m[o][clamp(nearest(node, x, opset), in)] = 1;
                case "linear" -> {
                    int i0 = (int) Math.floor(x);
                    double r = x - i0;
                    m[o][clamp(i0, in)] += 1 - r;
                    m[o][clamp(i0 + 1, in)] += r;
                }
                case "cubic" -> {
                    double a = Attributes.getFloat(node, "cubic_coeff_a", -0.75f);
                    int i0 = (int) Math.floor(x);
                    double r = x - i0;
                    boolean exclude = Attributes.getInt(node, "exclude_outside", 0) == 1;
                    double total = 0;
                    double[] taps = new double[4];
                    for (int k = -1; k <= 2; k++) {
                        double t = keys(Math.abs(k - r), a);
                        int idx = i0 + k;
                        taps[k + 1] = exclude && (idx < 0 || idx >= in) ? 0 : t;
                        total += taps[k + 1];
                    }
                    for (int k = -1; k <= 2; k++) {
                        m[o][clamp(i0 + k, in)] += exclude ? taps[k + 1] / total : taps[k + 1];
                    }
                }
                default -> throw new UnsupportedGradientException("Resize node '" + node.getName() + "' uses mode "
                        + mode);
            }
        }
        return m;
    }

    private static int nearest(NodeProto node, double x, int opset) {
        String rule = opset < 11 ? "floor" : Attributes.getString(node, "nearest_mode", "round_prefer_floor");
        return switch (rule) {
            case "floor" -> (int) Math.floor(x);
            case "ceil" -> (int) Math.ceil(x);
            case "round_prefer_ceil" -> (int) Math.floor(x + 0.5);
            default -> (int) Math.ceil(x - 0.5);
        };
    }

    /** Keys' cubic convolution kernel with coefficient a. */
    private static double keys(double t, double a) {
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size - 1, i));
    }
}
