package org.cam4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;
import org.cam4j.onnx.graph.OnnxGraph;

/** Masked copies of the input made inside the graph (ScoreCAM's masks), so K masked images never leave the device. */
public final class MaskedInputGraph {
    /** Input: the images, N x C x H x W, fed once. */
    public static final String MASK_IMAGES = "cam4j_images";
    /** Input: the masks, K x H x W. */
    public static final String MASKS = "cam4j_masks";
    /** Input: the image each mask applies to, K values. */
    public static final String MASK_SOURCE = "cam4j_mask_source";

    private MaskedInputGraph() {
    }

    /**
     * The model with its input made in-graph for masked forward passes: inputs {@value #MASK_IMAGES} (the images,
     * once), {@value #MASKS} (K one-channel masks) and {@value #MASK_SOURCE} (K image indices, as floats); the
     * model input becomes Gather(images, source) * Unsqueeze(masks, channel axis).
     */
    public static ModelProto build(OnnxGraph graph, String input, int rank, int channelAxis) {
        Emitter e = new Emitter("cam4j_mask_", graph.opset());
        String index = e.op("Cast", List.of(MASK_SOURCE), Attributes.integer("to", TensorProto.DataType.INT64.getNumber()));
        String rows = e.op("Gather", List.of(MASK_IMAGES, index), Attributes.integer("axis", 0));
        e.add(NodeProto.newBuilder().setOpType("Mul").setName("cam4j_mask_apply").addInput(rows)
                .addInput(e.unsqueeze(MASKS, channelAxis)).addOutput(input).build());
        GraphProto.Builder g = graph.graph().toBuilder();
        List<ValueInfoProto> inputs = new ArrayList<>(g.getInputList());
        inputs.removeIf(v -> v.getName().equals(input));
        g.clearInput().addAllInput(inputs).addInput(ValueInfos.floatInput(MASK_IMAGES, rank)).addInput(ValueInfos.floatInput(MASKS, 3))
                .addInput(ValueInfos.floatInput(MASK_SOURCE, 1));
        List<NodeProto> nodes = new ArrayList<>(e.nodes());
        nodes.addAll(g.getNodeList());
        g.clearNode().addAllNode(nodes).addAllInitializer(e.constants());
        return graph.model().toBuilder().setGraph(g).build();
    }
}
