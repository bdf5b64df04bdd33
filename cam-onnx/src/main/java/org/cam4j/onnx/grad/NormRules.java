package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Normalisations in inference form. */
final class NormRules {
    private NormRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("BatchNormalization", NormRules::batchNorm);
        rules.put("LayerNormalization", (node, g, ctx) -> {
            int rank = ctx.facts().rank(node.getInput(0));
            long axis = Attributes.getInt(node, "axis", -1);
            int from = (int) (axis < 0 ? axis + rank : axis);
            long[] axes = new long[rank - from];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = from + i;
            }
            return first(node, normalised(ctx.emit(), node.getInput(0), node.getInput(1), g.get(0), axes,
                    Attributes.getFloat(node, "epsilon", 1e-5f)));
        });
        rules.put("InstanceNormalization", (node, g, ctx) -> {
            int rank = ctx.facts().rank(node.getInput(0));
            long[] axes = new long[rank - 2];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = 2 + i;
            }
            String gamma = channelColumn(ctx.emit(), node.getInput(1), rank);
            return first(node, normalised(ctx.emit(), node.getInput(0), gamma, g.get(0), axes,
                    Attributes.getFloat(node, "epsilon", 1e-5f)));
        });
    }

    /** A per-channel vector reshaped to C x 1 x ... so it broadcasts over an N x C x ... tensor. */
    private static String channelColumn(Emitter e, String vector, int rank) {
        long[] shape = new long[rank - 1];
        shape[0] = -1;
        for (int i = 1; i < shape.length; i++) {
            shape[i] = 1;
        }
        return e.reshape(vector, shape);
    }

    /** Inference batch norm is a per-channel scale: dX = g * gamma / sqrt(var + eps). */
    private static List<String> batchNorm(NodeProto node, List<String> g, GradContext ctx) {
        if (Attributes.getInt(node, "training_mode", 0) == 1) {
            throw new UnsupportedGradientException("BatchNormalization node '" + node.getName()
                    + "' is in training mode; export the model in eval mode");
        }
        Emitter e = ctx.emit();
        String eps = e.scalar(Attributes.getFloat(node, "epsilon", 1e-5f));
        String factor = e.div(node.getInput(1), e.op("Sqrt", e.add(node.getInput(4), eps)));
        return first(node, e.mul(g.get(0), channelColumn(e, factor, ctx.facts().rank(node.getInput(0)))));
    }

    /**
     * y = gamma * xhat + beta with xhat = (x - mean) / sigma over {@code axes}:
     * dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sigma, dxhat = g * gamma.
     */
    private static String normalised(Emitter e, String x, String gamma, String g, long[] axes, float epsilon) {
        String centred = e.sub(x, e.reduceMean(x, axes, true));
        String variance = e.reduceMean(e.mul(centred, centred), axes, true);
        String inverse = e.div(e.scalar(1f), e.op("Sqrt", e.add(variance, e.scalar(epsilon))));
        String xhat = e.mul(centred, inverse);
        String dxhat = e.mul(g, gamma);
        String inner = e.sub(e.sub(dxhat, e.reduceMean(dxhat, axes, true)),
                e.mul(xhat, e.reduceMean(e.mul(dxhat, xhat), axes, true)));
        return e.mul(inner, inverse);
    }
}
