package org.cam4j.onnx.grad;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cam4j.onnx.graph.Attributes;

/** Every gradient rule, by ONNX op type, and which ops stop gradients altogether. */
public final class GradientRules {
    private static final Map<String, GradientRule> RULES = new TreeMap<>();
    /** Ops whose outputs carry no gradient (integer, boolean or piecewise-constant results). */
    private static final Set<String> NO_GRADIENT = Set.of("Shape", "Size", "ArgMax", "ArgMin", "Equal", "Greater",
            "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "NonZero",
            "ConstantOfShape", "Range", "OneHot", "EyeLike", "Floor", "Ceil", "Round", "Sign", "Constant",
            "RandomNormalLike", "RandomUniformLike", "Bernoulli", "NonMaxSuppression", "Unique");

    static {
        ElementwiseRules.register(RULES);
        ShapeRules.register(RULES);
        LinearRules.register(RULES);
        PoolRules.register(RULES);
        ReduceRules.register(RULES);
        NormRules.register(RULES);
        IndexRules.register(RULES);
    }

    private GradientRules() {
    }

    /** The rule of an op type, or null when cam4j cannot differentiate it. */
    public static GradientRule get(String opType) {
        return RULES.get(opType);
    }

    /** Every op type with a rule, sorted. */
    public static Set<String> supported() {
        return RULES.keySet();
    }

    /** False for ops whose outputs never depend differentiably on their inputs (Shape, comparisons, casts to int). */
    public static boolean propagates(NodeProto node) {
        if (NO_GRADIENT.contains(node.getOpType())) {
            return false;
        }
        if (node.getOpType().equals("Cast")) {
            long to = Attributes.getInt(node, "to", TensorProto.DataType.FLOAT.getNumber());
            return to == TensorProto.DataType.FLOAT.getNumber() || to == TensorProto.DataType.DOUBLE.getNumber()
                    || to == TensorProto.DataType.FLOAT16.getNumber() || to == TensorProto.DataType.BFLOAT16.getNumber();
        }
        return true;
    }

    /** Outputs of {@code node} that carry gradients: all but MaxPool's and TopK's indices and Dropout's mask. */
    public static boolean carriesGradient(NodeProto node, int output) {
        return switch (node.getOpType()) {
            case "MaxPool", "Dropout", "BatchNormalization", "LayerNormalization", "TopK" -> output == 0;
            default -> true;
        };
    }
}
