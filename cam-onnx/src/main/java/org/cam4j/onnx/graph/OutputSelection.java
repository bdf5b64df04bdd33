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

    /**
     * A torchvision detector's {@code boxes,scores,labels} as the model holds them: torchvision's RetinaNet and SSD
     * return boxes, scores, labels where Faster R-CNN returns boxes, labels, scores, so an export naming its outputs
     * after the other order has float "labels" and int64 "scores". Then the two are read by their types (what is
     * float is the score), with a warning; any other request as it is.
     */
    public static List<String> byElementType(ModelProto model, List<String> requested, String file) {
        if (requested.size() != 3) {
            return requested;
        }
        java.util.Map<String, Integer> types = new java.util.HashMap<>();
        model.getGraph().getOutputList().forEach(o -> types.put(o.getName(), o.getType().getTensorType()
                .getElemType()));
        int f = ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber();
        Integer score = types.get(requested.get(1));
        Integer label = types.get(requested.get(2));
        if (score == null || label == null || score == f || label != f) {
            return requested;
        }
        System.getLogger("org.cam4j.onnx").log(System.Logger.Level.WARNING, "{0}: output ''{1}'' holds integers"
                + " and ''{2}'' floats: read as labels and scores (the export named them after the other order;"
                + " torchvision''s RetinaNet and SSD return boxes, scores, labels)", file, requested.get(1),
                requested.get(2));
        return List.of(requested.get(0), requested.get(2), requested.get(1));
    }

    /**
     * The model with the requested outputs (names, computed tensors, {@code NAME:logits}) as its only output, joined
     * when several; {@code file} names the model in refusals.
     */
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
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < chosen.length; i++) {
            ValueInfoProto v = chosen[i];
            var dims = v.getType().getTensorType().getShape().getDimList();
            // one fewer axis (torchvision's scores [N, K] beside boxes [N, K, 4]): one column
            boolean column = dims.size() == rank - 1;
            if (!column && dims.size() != rank || rank < 2) {
                throw new InvalidModelException(file + ": outputs " + names + " cannot be joined along their last"
                        + " axis; they need the same known rank (at least 2)");
            }
            long width = column ? 1 : dims.get(rank - 1).hasDimValue() ? dims.get(rank - 1).getDimValue() : -1;
            last = last < 0 || width < 0 ? -1 : last + width;
            String part = names.get(i);
            int elem = v.getType().getTensorType().getElemType();
            if (elem != ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                // class labels (int64) join as float values; they carry no gradient
                part = addNode(g, "Cast", part, JOINED + "_cast_" + i, Attributes.integer("to",
                        ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()));
            }
            if (column) {
                part = AxisNodes.add(g, "Unsqueeze", part, JOINED + "_column_" + i, rank - 1, OnnxGraph.opsetOf(model));
            }
            parts.add(part);
        }
        g.addNode(NodeProto.newBuilder().setOpType("Concat").setName(JOINED).addAllInput(parts).addOutput(JOINED)
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

    private static String addNode(ai.onnx.proto.OnnxMl.GraphProto.Builder g, String op, String in, String out,
                                  ai.onnx.proto.OnnxMl.AttributeProto attribute) {
        g.addNode(NodeProto.newBuilder().setOpType(op).setName(out).addInput(in).addOutput(out)
                .addAttribute(attribute));
        return out;
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
