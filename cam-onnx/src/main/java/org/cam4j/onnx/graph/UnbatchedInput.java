package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model whose image input has no batch axis ({@code 3 x H x W} or {@code H x W x 3}, as torchvision exports its
 * detectors) seen as a model of batch size one: the input gets a leading axis of 1 (squeezed away before the first
 * node) and every output gets one too (added after the last), under their own names. Everything else in cam4j then
 * treats it as any fixed-batch model, one image per run.
 */
public final class UnbatchedInput {
    /** Suffix of the renamed tensors that the original graph computes and reads. */
    public static final String SUFFIX = "_cam4j_unbatched";

    private UnbatchedInput() {
    }

    /** Whether the model's one input is an image without a batch axis: rank 3 with 1 or 3 channels first or last. */
    public static boolean applies(ModelProto model) {
        List<ValueInfoProto> inputs = graphInputs(model.getGraph());
        if (inputs.size() != 1 || !inputs.get(0).getType().getTensorType().hasShape()) {
            return false;
        }
        List<TensorShapeProto.Dimension> dims = inputs.get(0).getType().getTensorType().getShape().getDimList();
        return dims.size() == 3 && (channels(dims.get(0)) || channels(dims.get(2)));
    }

    private static boolean channels(TensorShapeProto.Dimension d) {
        return d.hasDimValue() && (d.getDimValue() == 1 || d.getDimValue() == 3);
    }

    private static List<ValueInfoProto> graphInputs(GraphProto g) {
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        return g.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    }

    /** The model with a batch axis of one on its input and on every output. */
    public static ModelProto batched(ModelProto model) {
        GraphProto g = model.getGraph();
        int opset = OnnxGraph.opsetOf(model);
        String input = graphInputs(g).get(0).getName();
        Map<String, String> renamed = new java.util.HashMap<>();
        renamed.put(input, input + SUFFIX);
        g.getOutputList().forEach(o -> renamed.put(o.getName(), o.getName() + SUFFIX));
        GraphProto.Builder b = renamedTensors(g, renamed).toBuilder();
        // the graph input and outputs keep their names; the renamed tensors are what the original nodes see
        for (int i = 0; i < b.getInputCount(); i++) {
            if (b.getInput(i).getName().equals(input + SUFFIX)) {
                b.setInput(i, withBatchAxis(g.getInputList().get(i)));
            }
        }
        b.clearOutput();
        g.getOutputList().forEach(o -> b.addOutput(withBatchAxis(o)));
        List<NodeProto> nodes = new java.util.ArrayList<>(b.getNodeList());
        b.clearNode();
        AxisNodes.add(b, "Squeeze", input, input + SUFFIX, 0, opset);
        b.addAllNode(nodes);
        for (ValueInfoProto o : g.getOutputList()) {
            AxisNodes.add(b, "Unsqueeze", o.getName() + SUFFIX, o.getName(), 0, opset);
        }
        return model.toBuilder().setGraph(b).build();
    }

    private static ValueInfoProto withBatchAxis(ValueInfoProto v) {
        var tensor = v.getType().getTensorType();
        if (!tensor.hasShape()) {
            return v;
        }
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addAllDim(tensor.getShape().getDimList()).build();
        return v.toBuilder().setType(v.getType().toBuilder().setTensorType(tensor.toBuilder().setShape(shape)))
                .build();
    }

    /** The graph with tensors renamed wherever a node (of any nested graph) writes or reads them. */
    private static GraphProto renamedTensors(GraphProto g, Map<String, String> renamed) {
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getNodeCount(); i++) {
            b.setNode(i, renamedTensors(b.getNode(i), renamed));
        }
        for (int i = 0; i < b.getInputCount(); i++) {
            String to = renamed.get(b.getInput(i).getName());
            if (to != null) {
                b.setInput(i, b.getInput(i).toBuilder().setName(to));
            }
        }
        for (int i = 0; i < b.getValueInfoCount(); i++) {
            String to = renamed.get(b.getValueInfo(i).getName());
            if (to != null) {
                b.setValueInfo(i, b.getValueInfo(i).toBuilder().setName(to));
            }
        }
        return b.build();
    }

    private static NodeProto renamedTensors(NodeProto n, Map<String, String> renamed) {
        NodeProto.Builder b = n.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
            b.setInput(i, renamed.getOrDefault(b.getInput(i), b.getInput(i)));
        }
        for (int i = 0; i < b.getOutputCount(); i++) {
            b.setOutput(i, renamed.getOrDefault(b.getOutput(i), b.getOutput(i)));
        }
        for (int i = 0; i < b.getAttributeCount(); i++) {
            AttributeProto a = b.getAttribute(i);
            if (a.hasG()) {
                b.setAttribute(i, a.toBuilder().setG(renamedTensors(a.getG(), renamed)));
            }
            if (a.getGraphsCount() > 0) {
                AttributeProto.Builder ab = a.toBuilder();
                for (int k = 0; k < a.getGraphsCount(); k++) {
                    ab.setGraphs(k, renamedTensors(a.getGraphs(k), renamed));
                }
                b.setAttribute(i, ab);
            }
        }
        return b.build();
    }
}
