package org.cam4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;

/**
 * The model-randomisation sanity check's rewrite: the learned weights of the last {@code layers} layers, in graph
 * order from the output, replaced by N(0, sigma) values, sigma the original tensor's standard deviation (0.05 for a
 * constant tensor). Layers are the nodes with learned weights ({@link #LAYERS}: convolutions, linear layers,
 * normalisations); their weights are their float initializers, a MatMul's bias (the Add after it) included, but not
 * BatchNormalization's running mean and variance (statistics of the data: a random variance can be negative, and
 * the model's output NaN), and never the constants of other nodes (a Resize's scales, a normalising Mul's factor).
 */
final class WeightRandomizer {
    private WeightRandomizer() {
    }

    static ModelProto randomize(OnnxGraph graph, TensorFacts facts, int layers, long seed) {
        if (layers < 1) {
            throw new IllegalArgumentException("randomise at least one layer, got " + layers);
        }
        ModelProto model = graph.model();
        List<NodeProto> parameterised = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (LAYERS.contains(n.getOpType()) && !weights(n, graph).isEmpty()) {
                parameterised.add(n);
            }
        }
        Set<String> randomise = new HashSet<>();
        for (int k = Math.max(0, parameterised.size() - layers); k < parameterised.size(); k++) {
            NodeProto layer = parameterised.get(k);
            randomise.addAll(weights(layer, graph));
            if (layer.getOpType().equals("MatMul")) {
                for (NodeProto next : graph.consumers(layer.getOutput(0))) {
                    if (next.getOpType().equals("Add")) {
                        randomise.addAll(weights(next, graph));
                    }
                }
            }
        }
        Random random = new Random(seed);
        ModelProto.Builder b = model.toBuilder();
        var g = b.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (!randomise.contains(t.getName())) {
                continue;
            }
            float[] v = facts.floats(t.getName());
            double mean = 0;
            for (float x : v) {
                mean += x;
            }
            mean /= v.length;
            double var = 0;
            for (float x : v) {
                var += (x - mean) * (x - mean);
            }
            double sigma = var > 0 ? Math.sqrt(var / v.length) : 0.05;
            ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < v.length; k++) {
                bytes.putFloat((float) (random.nextGaussian() * sigma));
            }
            g.setInitializer(i, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(bytes.array())));
        }
        return b.build();
    }

    /** The node types whose float initializers are learned weights. */
    private static final Set<String> LAYERS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul",
            "BatchNormalization", "LayerNormalization", "InstanceNormalization", "GroupNormalization");

    /** A node's learned weights: its float initializers, BatchNormalization's scale and bias only. */
    private static List<String> weights(NodeProto n, OnnxGraph graph) {
        List<String> inputs = n.getOpType().equals("BatchNormalization")
                ? n.getInputList().subList(1, Math.min(3, n.getInputCount())) : n.getInputList();
        return inputs.stream().filter(i -> isFloatWeight(graph.initializer(i))).toList();
    }

    private static boolean isFloatWeight(TensorProto t) {
        return t != null && t.getDataType() == TensorProto.DataType.FLOAT.getNumber() && t.getDimsCount() >= 1
                && t.getDataLocation() != TensorProto.DataLocation.EXTERNAL;
    }
}
