package org.cam4j.onnx.analysis;

import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cam4j.model.LayerInfo;

/**
 * The candidate target layers of a probed graph: every spatial map (N x C x h x w, h and w > 1) and token sequence
 * on the way to the output that is computed from a learned layer's output (not the input's own preprocessing), in
 * graph order, one of them suggested: the last spatial map before global pooling (a
 * CNN; pools that keep the size, as VGG's adaptive pooling of a 7 x 7 map, do not count), or for transformers the
 * input of the last attention block: the last LayerNormalization output that still feeds a Softmax. A model whose
 * output is itself a map (a segmenter) gets the last map of features before its head: at least
 * {@value #MIN_FEATURE_CHANNELS} channels and more than the output has (the head's class maps, their resizing and
 * fusion come after it).
 */
public final class LayerCatalog {
    private LayerCatalog() {
    }

    /**
     * @param probed tensors whose shapes {@code facts} holds
     * @param batch the input's batch dimension, shown in the layers' shapes (-1 when symbolic)
     */
    public static List<LayerInfo> layers(OnnxGraph graph, TensorFacts facts, Set<String> probed, String output,
                                         long batch) {
        Reachability builder = new Reachability(graph, output);
        Set<String> reach = builder.ancestors(output);
        String suggested = suggested(graph, facts, probed, reach, builder, output);
        Set<String> features = builder.active(graph.nodes().stream()
                .filter(n -> LEARNED.contains(n.getOpType()) && n.getOutputCount() > 0).map(n -> n.getOutput(0))
                .toList());
        List<LayerInfo> out = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            String t = n.getOutputCount() > 0 ? n.getOutput(0) : "";
            // the unbatched image cam4j squeezes out of a batch of one is no layer of the model, and nor is the image
            // before the first learned layer (a detector's own resizing and normalisation: [1, 320, 320] channels
            // were listed as token sequences)
            if (!probed.contains(t) || !reach.contains(t) || t.equals(output) || !features.contains(t)
                    || t.endsWith(org.cam4j.onnx.graph.UnbatchedInput.SUFFIX)) {
                continue;
            }
            long[] s = facts.shape(t).clone();
            if (s.length > 0) {
                s[0] = batch;
            }
            LayerInfo.Kind kind = s.length == 4 && s[2] > 1 && s[3] > 1 ? LayerInfo.Kind.SPATIAL
                    : s.length == 3 && s[1] > 1 ? LayerInfo.Kind.TOKENS : LayerInfo.Kind.OTHER;
            if (kind != LayerInfo.Kind.OTHER) {
                out.add(new LayerInfo(t, n.getOpType(), n.getName(), s, kind, t.equals(suggested)));
            }
        }
        return out;
    }

    /** Operators with learned weights: layers are the tensors computed from their outputs. */
    private static final Set<String> LEARNED = Set.of("Conv", "ConvTranspose", "ConvInteger", "QLinearConv",
            "MatMul", "MatMulInteger", "QLinearMatMul", "Gemm", "Einsum");

    /** Channels a segmenter's suggested feature map has at least. */
    static final int MIN_FEATURE_CHANNELS = 16;

    private static String suggested(OnnxGraph graph, TensorFacts facts, Set<String> probed, Set<String> reach,
                                    Reachability builder, String output) {
        List<NodeProto> nodes = graph.nodes();
        long[] out = probed.contains(output) ? facts.shape(output) : new long[0];
        boolean mapOutput = out.length == 4 && out[2] > 1 && out[3] > 1;
        String lastSpatial = null;
        for (NodeProto n : nodes) {
            String t = n.getOutputCount() > 0 ? n.getOutput(0) : "";
            if (probed.contains(t) && reach.contains(t)) {
                long[] s = facts.shape(t);
                boolean identityPool = n.getOpType().endsWith("Pool") && probed.contains(n.getInput(0))
                        && java.util.Arrays.equals(facts.shape(n.getInput(0)), s);
                boolean features = !mapOutput || !t.equals(output) && s.length == 4
                        && s[1] >= Math.max(MIN_FEATURE_CHANNELS, out[1] + 1);
                if (s.length == 4 && s[2] > 1 && s[3] > 1 && !n.getOpType().equals("LayerNormalization")
                        && !identityPool && features) {
                    lastSpatial = t;
                }
            }
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            if (n.getOpType().equals("LayerNormalization") && reach.contains(n.getOutput(0))) {
                Set<String> downstream = builder.active(List.of(n.getOutput(0)));
                boolean feedsAttention = nodes.stream().anyMatch(m -> m.getOpType().equals("Softmax")
                        && downstream.contains(m.getOutput(0)));
                if (feedsAttention) {
                    return n.getOutput(0);
                }
            }
        }
        return lastSpatial;
    }
}
