package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/** Element-wise ops: arithmetic with broadcasting (gradients summed back to each input's shape), activations. */
final class ElementwiseRules {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private ElementwiseRules() {
    }

    static void register(Map<String, GradientRule> rules) {
        GradientRule passThrough = (node, g, ctx) -> first(node, g.get(0));
        rules.put("Identity", passThrough);
        rules.put("Dropout", passThrough);
        rules.put("Cast", passThrough);
        rules.put("Add", (node, g, ctx) -> binary(node, ctx, g.get(0), g.get(0)));
        rules.put("Sub", (node, g, ctx) -> binary(node, ctx, g.get(0),
                ctx.needs(node.getInput(1)) ? ctx.emit().neg(g.get(0)) : null));
        rules.put("Mul", (node, g, ctx) -> binary(node, ctx,
                ctx.needs(node.getInput(0)) ? ctx.emit().mul(g.get(0), node.getInput(1)) : null,
                ctx.needs(node.getInput(1)) ? ctx.emit().mul(g.get(0), node.getInput(0)) : null));
        rules.put("Div", (node, g, ctx) -> binary(node, ctx,
                ctx.needs(node.getInput(0)) ? ctx.emit().div(g.get(0), node.getInput(1)) : null,
                ctx.needs(node.getInput(1)) ? ctx.emit().neg(ctx.emit().div(ctx.emit().mul(g.get(0), node.getOutput(0)),
                        node.getInput(1))) : null));
        rules.put("Pow", ElementwiseRules::pow);
        rules.put("Sqrt", (node, g, ctx) -> first(node,
                ctx.emit().div(g.get(0), ctx.emit().mul(node.getOutput(0), ctx.emit().scalar(2f)))));
        rules.put("Neg", (node, g, ctx) -> first(node, ctx.emit().neg(g.get(0))));
        rules.put("Abs", (node, g, ctx) -> first(node,
                ctx.emit().mul(g.get(0), ctx.emit().op("Sign", node.getInput(0)))));
        rules.put("Exp", (node, g, ctx) -> first(node, ctx.emit().mul(g.get(0), node.getOutput(0))));
        rules.put("Log", (node, g, ctx) -> first(node, ctx.emit().div(g.get(0), node.getInput(0))));
        rules.put("Relu", ElementwiseRules::relu);
        rules.put("LeakyRelu", (node, g, ctx) -> first(node, negativeSlope(ctx.emit(), node.getInput(0), g.get(0),
                ctx.emit().scalar(Attributes.getFloat(node, "alpha", 0.01f)))));
        rules.put("PRelu", (node, g, ctx) -> first(node,
                negativeSlope(ctx.emit(), node.getInput(0), g.get(0), node.getInput(1))));
        rules.put("Clip", ElementwiseRules::clip);
        rules.put("Sigmoid", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String y = node.getOutput(0);
            return first(node, e.mul(g.get(0), e.mul(y, e.sub(e.scalar(1f), y))));
        });
        rules.put("Tanh", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String y = node.getOutput(0);
            return first(node, e.mul(g.get(0), e.sub(e.scalar(1f), e.mul(y, y))));
        });
        rules.put("Erf", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String x = node.getInput(0);
            String dens = e.op("Exp", e.neg(e.mul(x, x)));
            return first(node, e.mul(g.get(0), e.mul(dens, e.scalar((float) (2 / Math.sqrt(Math.PI))))));
        });
        rules.put("Gelu", ElementwiseRules::gelu);
        rules.put("HardSigmoid", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            float alpha = Attributes.getFloat(node, "alpha", 0.2f);
            float beta = Attributes.getFloat(node, "beta", 0.5f);
            String z = e.add(e.mul(node.getInput(0), e.scalar(alpha)), e.scalar(beta));
            String inside = e.mul(e.toFloat(e.op("Greater", z, e.scalar(0f))), e.toFloat(e.op("Less", z, e.scalar(1f))));
            return first(node, e.mul(g.get(0), e.mul(inside, e.scalar(alpha))));
        });
        rules.put("HardSwish", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String x = node.getInput(0);
            String ramp = e.div(e.add(e.mul(x, e.scalar(2f)), e.scalar(3f)), e.scalar(6f));
            String upper = e.op("Where", List.of(e.op("Greater", x, e.scalar(3f)), e.scalar(1f), ramp));
            String d = e.op("Where", List.of(e.op("Less", x, e.scalar(-3f)), e.scalar(0f), upper));
            return first(node, e.mul(g.get(0), d));
        });
        rules.put("Where", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String cond = node.getInput(0);
            String zero = e.scalar(0f);
            List<String> out = new ArrayList<>(Arrays.asList(null, null, null));
            if (ctx.needs(node.getInput(1))) {
                out.set(1, ctx.unbroadcast(e.op("Where", List.of(cond, g.get(0), zero)), node.getInput(1), node.getOutput(0)));
            }
            if (ctx.needs(node.getInput(2))) {
                out.set(2, ctx.unbroadcast(e.op("Where", List.of(cond, zero, g.get(0))), node.getInput(2), node.getOutput(0)));
            }
            return out;
        });
        rules.put("Expand", (node, g, ctx) -> first(node, ctx.unbroadcast(g.get(0), node.getInput(0), node.getOutput(0))));
        rules.put("Sum", (node, g, ctx) -> variadic(node, ctx, in -> g.get(0)));
        rules.put("Mean", (node, g, ctx) -> variadic(node, ctx,
                in -> ctx.emit().div(g.get(0), ctx.emit().scalar(node.getInputCount()))));
        // the gradient goes to the inputs equal to the result: not below the max, not above the min (any opset)
        rules.put("Max", (node, g, ctx) -> variadic(node, ctx, in -> ctx.emit().mul(g.get(0),
                PoolRules.atMaximum(ctx.emit(), in, node.getOutput(0)))));
        rules.put("Min", (node, g, ctx) -> variadic(node, ctx, in -> ctx.emit().mul(g.get(0),
                ctx.emit().toFloat(ctx.emit().op("Not", ctx.emit().op("Greater", in, node.getOutput(0)))))));
        rules.put("Reciprocal", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            String y = node.getOutput(0);
            return first(node, e.neg(e.mul(g.get(0), e.mul(y, y))));
        });
        rules.put("Softplus", (node, g, ctx) -> first(node,
                ctx.emit().mul(g.get(0), ctx.emit().op("Sigmoid", node.getInput(0)))));
        rules.put("Elu", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            float alpha = Attributes.getFloat(node, "alpha", 1f);
            String x = node.getInput(0);
            String negative = e.mul(e.op("Exp", x), e.scalar(alpha));
            return first(node, e.mul(g.get(0), e.op("Where", List.of(e.op("Greater", x, e.scalar(0f)),
                    e.scalar(1f), negative))));
        });
        rules.put("Selu", (node, g, ctx) -> {
            Emitter e = ctx.emit();
            float alpha = Attributes.getFloat(node, "alpha", 1.67326319217681884765625f);
            float gamma = Attributes.getFloat(node, "gamma", 1.05070102214813232421875f);
            String x = node.getInput(0);
            String negative = e.mul(e.op("Exp", x), e.scalar(alpha * gamma));
            return first(node, e.mul(g.get(0), e.op("Where", List.of(e.op("Greater", x, e.scalar(0f)),
                    e.scalar(gamma), negative))));
        });
        rules.put("Mish", (node, g, ctx) -> {
            // y = x tanh(softplus(x)): dy/dx = tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)
            Emitter e = ctx.emit();
            String x = node.getInput(0);
            String t = e.op("Tanh", e.op("Softplus", x));
            String d = e.add(t, e.mul(e.mul(x, e.op("Sigmoid", x)), e.sub(e.scalar(1f), e.mul(t, t))));
            return first(node, e.mul(g.get(0), d));
        });
        rules.put("Sin", (node, g, ctx) -> first(node, ctx.emit().mul(g.get(0), ctx.emit().op("Cos", node.getInput(0)))));
        rules.put("Cos", (node, g, ctx) -> first(node,
                ctx.emit().neg(ctx.emit().mul(g.get(0), ctx.emit().op("Sin", node.getInput(0))))));
    }

    /** Each needed input of a broadcasting n-ary op gets {@code perInput(input)}, summed back to its shape. */
    private static List<String> variadic(NodeProto node, GradContext ctx,
                                         java.util.function.Function<String, String> perInput) {
        List<String> out = new ArrayList<>();
        for (String in : node.getInputList()) {
            out.add(ctx.needs(in) ? ctx.unbroadcast(perInput.apply(in), in, node.getOutput(0)) : null);
        }
        return out;
    }

    /** Gradients of a two-input broadcasting op, each summed back to its input's shape. */
    private static List<String> binary(NodeProto node, GradContext ctx, String gradA, String gradB) {
        String y = node.getOutput(0);
        List<String> out = new ArrayList<>(Arrays.asList(null, null));
        if (ctx.needs(node.getInput(0))) {
            out.set(0, ctx.unbroadcast(gradA, node.getInput(0), y));
        }
        if (ctx.needs(node.getInput(1))) {
            out.set(1, ctx.unbroadcast(gradB, node.getInput(1), y));
        }
        return out;
    }

    private static List<String> pow(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        String p = node.getInput(1);
        String gradX = null;
        String gradP = null;
        if (ctx.needs(x)) {
            String pf = e.toFloat(p);
            gradX = e.mul(g.get(0), e.mul(pf, e.op("Pow", x, e.sub(pf, e.scalar(1f)))));
        }
        if (ctx.needs(p)) {
            gradP = e.mul(g.get(0), e.mul(node.getOutput(0), e.op("Log", x)));
        }
        return binary(node, ctx, gradX, gradP);
    }

    private static List<String> relu(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String zero = e.scalar(0f);
        String grad = e.mul(g.get(0), e.toFloat(e.op("Greater", node.getInput(0), zero)));
        if (ctx.guided()) {
            grad = e.mul(grad, e.toFloat(e.op("Greater", g.get(0), zero)));
        }
        return first(node, grad);
    }

    /** g where x > 0, g * slope elsewhere. */
    private static String negativeSlope(Emitter e, String x, String g, String slope) {
        return e.op("Where", List.of(e.op("Greater", x, e.scalar(0f)), g, e.mul(g, slope)));
    }

    /** Passes the gradient strictly inside (min, max), as torch's hardtanh / ReLU6. */
    private static List<String> clip(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        String min = null;
        String max = null;
        if (e.opset() >= 11) {
            min = node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? node.getInput(1) : null;
            max = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
        } else {
            if (Attributes.find(node, "min") != null) {
                min = e.scalar(Attributes.getFloat(node, "min", 0f));
            }
            if (Attributes.find(node, "max") != null) {
                max = e.scalar(Attributes.getFloat(node, "max", 0f));
            }
        }
        String grad = g.get(0);
        if (min != null) {
            grad = e.mul(grad, e.toFloat(e.op("Greater", x, min)));
        }
        if (max != null) {
            grad = e.mul(grad, e.toFloat(e.op("Less", x, max)));
        }
        return first(node, grad);
    }

    private static List<String> gelu(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String x = node.getInput(0);
        String d;
        if (Attributes.getString(node, "approximate", "none").equals("tanh")) {
            // y = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
            String x2 = e.mul(x, x);
            String u = e.mul(e.scalar(SQRT_2_OVER_PI), e.add(x, e.mul(e.scalar(0.044715f), e.mul(x2, x))));
            String t = e.op("Tanh", u);
            String du = e.mul(e.scalar(SQRT_2_OVER_PI), e.add(e.scalar(1f), e.mul(e.scalar(3 * 0.044715f), x2)));
            String left = e.mul(e.scalar(0.5f), e.add(e.scalar(1f), t));
            String right = e.mul(e.mul(e.scalar(0.5f), x), e.mul(e.sub(e.scalar(1f), e.mul(t, t)), du));
            d = e.add(left, right);
        } else {
            // y = x Phi(x): dy/dx = Phi(x) + x phi(x)
            String cdf = e.mul(e.scalar(0.5f), e.add(e.scalar(1f), e.op("Erf", e.mul(x, e.scalar((float) (1 / Math.sqrt(2)))))));
            String pdf = e.mul(e.scalar((float) (1 / Math.sqrt(2 * Math.PI))),
                    e.op("Exp", e.mul(e.scalar(-0.5f), e.mul(x, x))));
            d = e.add(cdf, e.mul(x, pdf));
        }
        return first(node, e.mul(g.get(0), d));
    }
}
