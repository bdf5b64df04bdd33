package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Squeeze and Unsqueeze nodes added to a model's own graph (the rewrites of {@link UnbatchedInput} and
 * {@link OutputSelection}), in the form the opset expects: the axes an int64 initializer from opset 13, an
 * attribute before.
 */
final class AxisNodes {
    private AxisNodes() {
    }

    /** Adds {@code op} ({@code Squeeze} or {@code Unsqueeze}) of {@code in} over {@code axis} as {@code out}. */
    static String add(GraphProto.Builder g, String op, String in, String out, long axis, int opset) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out + "_" + op.toLowerCase())
                .addInput(in).addOutput(out);
        if (opset >= 13) {
            String axes = out + "_cam4j_axes";
            g.addInitializer(TensorProto.newBuilder().setName(axes).setDataType(TensorProto.DataType.INT64.getNumber())
                    .addDims(1).addInt64Data(axis));
            n.addInput(axes);
        } else {
            n.addAttribute(Attributes.ints("axes", axis));
        }
        g.addNode(n);
        return out;
    }
}
