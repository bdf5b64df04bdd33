package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The element type of every tensor of a graph, inferred forwards from its inputs, initializers and constants:
 * comparisons give booleans, Shape, NonZero, ArgMax, TopK's indices and NonMaxSuppression int64, Cast its target,
 * most other ops the type of their first input (Where and OneHot that of their values). Unknown (subgraph outputs)
 * is {@code null}. Graphs cut from the model may only pass float tensors across the cut.
 */
public final class ElementTypes {
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();
    private static final int BOOL = TensorProto.DataType.BOOL.getNumber();
    private static final Set<String> BOOLEAN = Set.of("Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual",
            "And", "Or", "Xor", "Not", "IsNaN", "IsInf");
    private static final Set<String> INDICES = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");
    private static final Set<String> BRANCHES = Set.of("If", "Loop", "Scan");

    private final Map<String, Integer> types = new HashMap<>();

    /** Infers the types of every tensor of the graph, in one pass over its nodes. */
    public ElementTypes(OnnxGraph graph) {
        for (ValueInfoProto v : graph.graph().getInputList()) {
            types.put(v.getName(), v.getType().getTensorType().getElemType());
        }
        for (TensorProto t : graph.graph().getInitializerList()) {
            types.put(t.getName(), t.getDataType());
        }
        for (NodeProto n : graph.nodes()) {
            for (int i = 0; i < n.getOutputCount(); i++) {
                Integer type = outputType(n, i);
                if (type != null) {
                    types.put(n.getOutput(i), type);
                }
            }
        }
    }

    /** Whether the tensor is known to hold float32. */
    public boolean isFloat(String tensor) {
        Integer t = types.get(tensor);
        return t != null && t == FLOAT;
    }

    private Integer outputType(NodeProto n, int output) {
        String op = n.getOpType();
        if (BRANCHES.contains(op)) {
            return null;
        }
        if (BOOLEAN.contains(op)) {
            return BOOL;
        }
        if (INDICES.contains(op) || output > 0 && (op.equals("TopK") || op.equals("MaxPool") || op.equals("Unique"))) {
            return INT64;
        }
        return switch (op) {
            case "Cast" -> (int) Attributes.getInt(n, "to", FLOAT);
            case "CastLike" -> input(n, 1);
            case "Constant" -> constantType(n);
            case "ConstantOfShape" -> {
                AttributeProto value = Attributes.find(n, "value");
                yield value == null ? FLOAT : value.getT().getDataType();
            }
            case "Where" -> input(n, 1);
            case "OneHot" -> input(n, 2);
            default -> input(n, 0);
        };
    }

    private Integer input(NodeProto n, int index) {
        return index < n.getInputCount() ? types.get(n.getInput(index)) : null;
    }

    private static Integer constantType(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.getT().getDataType();
                case "value_float", "value_floats":
                    return FLOAT;
                case "value_int", "value_ints":
                    return INT64;
                default:
                    break;
            }
        }
        return null;
    }
}
