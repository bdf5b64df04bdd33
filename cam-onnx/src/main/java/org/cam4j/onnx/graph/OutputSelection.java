package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.cam4j.errors.InvalidModelException;

/**
 * Chooses the output a model is explained through: one named output, or several joined along their last axis
 * (a detector's {@code boxes} [N, A, 4] and {@code scores} [N, A, K] become one [N, A, 4 + K] tensor). The
 * chosen tensor becomes the model's only output; it may be any tensor a node computes (pooled features before
 * the classifier: an embedding). A name followed by {@code :logits} means the input of the Softmax
 * that makes that output (a detector's class logits, explained without the softmax's saturation).
 */
public final class OutputSelection {
    /** Name of the joined output. */
    public static final String JOINED = "cam4j_joined_outputs";

    private OutputSelection() {
    }

    /** Suffix of an output name that asks for the logits before its Softmax. */
    public static final String LOGITS = ":logits";

    public static ModelProto select(ModelProto model, List<String> requested, String file) {
        List<ValueInfoProto> outputs = model.getGraph().getOutputList();
        List<String> available = outputs.stream().map(ValueInfoProto::getName).toList();
        ValueInfoProto[] chosen = new ValueInfoProto[requested.size()];
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            boolean logits = requested.get(i).endsWith(LOGITS);
            String name = logits ? requested.get(i).substring(0, requested.get(i).length() - LOGITS.length())
                    : requested.get(i);
            int at = available.indexOf(name);
            boolean computed = model.getGraph().getNodeList().stream().anyMatch(n -> n.getOutputList().contains(name));
            if (at < 0 && (!computed || logits)) {
                throw new InvalidModelException(file + " has no output or computed tensor '" + name + "'; its"
                        + " outputs are " + available + " (any tensor a node computes, such as pooled features, can"
                        + " be named too)");
            }
            // a tensor inside the graph (an embedding before the classifier) becomes the output as it is
            chosen[i] = at >= 0 ? outputs.get(at) : ValueInfoProto.newBuilder().setName(name)
                    .setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                            ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber())))
                    .build();
            if (logits) {
                NodeProto softmax = softmaxMaking(model, name);
                if (softmax == null) {
                    throw new InvalidModelException(file + ": output '" + name + "' is not made by a Softmax over"
                            + " its last axis; explain it without " + LOGITS);
                }
                chosen[i] = chosen[i].toBuilder().setName(softmax.getInput(0)).build();
            }
            names.add(chosen[i].getName());
        }
        ModelProto.Builder b = model.toBuilder();
        var g = b.getGraphBuilder();
        g.clearOutput();
        if (chosen.length == 1) {
            g.addOutput(chosen[0]);
            return b.build();
        }
        int rank = chosen[0].getType().getTensorType().getShape().getDimCount();
        long last = 0;
        for (ValueInfoProto v : chosen) {
            var dims = v.getType().getTensorType().getShape().getDimList();
            if (dims.size() != rank || rank < 2) {
                throw new InvalidModelException(file + ": outputs " + names + " cannot be joined along their last"
                        + " axis; they need the same known rank (at least 2)");
            }
            last = last < 0 || !dims.get(rank - 1).hasDimValue() ? -1 : last + dims.get(rank - 1).getDimValue();
        }
        g.addNode(NodeProto.newBuilder().setOpType("Concat").setName(JOINED).addAllInput(names).addOutput(JOINED)
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("axis").setI(rank - 1)
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)));
        var shape = chosen[0].getType().getTensorType().getShape().toBuilder();
        if (last > 0) {
            shape.setDim(rank - 1, shape.getDim(rank - 1).toBuilder().clearDimParam().setDimValue(last));
        } else {
            shape.setDim(rank - 1, ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("joined"));
        }
        g.addOutput(chosen[0].toBuilder().setName(JOINED).setType(chosen[0].getType().toBuilder()
                .setTensorType(chosen[0].getType().getTensorType().toBuilder().setShape(shape))));
        return b.build();
    }

    /** The Softmax node over the last axis that makes {@code output}, or null. */
    public static NodeProto softmaxMaking(ModelProto model, String output) {
        var g = model.getGraph();
        int rank = g.getOutputList().stream().filter(o -> o.getName().equals(output)).findFirst()
                .map(o -> o.getType().getTensorType().getShape().getDimCount()).orElse(-1);
        int opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
                .mapToInt(o -> (int) o.getVersion()).findFirst().orElse(1);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Softmax") && n.getOutput(0).equals(output)) {
                long axis = Attributes.getInt(n, "axis", opset >= 13 ? -1 : 1);
                // before opset 13 Softmax flattens from its axis on: over the last axis only when axis is the last
                boolean last = axis == -1 || rank > 0 && axis == rank - 1;
                return last ? n : null;
            }
        }
        return null;
    }
}
