package org.cam4j.onnx.grad;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;

/**
 * The backward pass of one ONNX op type, written in ordinary ONNX ops (the inference build of ONNX Runtime has
 * no gradient kernels).
 */
@FunctionalInterface
public interface GradientRule {
    /**
     * Emits the nodes computing the input gradients of {@code node}.
     *
     * @param outputGrads the gradient of each output, {@code null} where none flows back
     * @return the gradient of each input, {@code null} where the input needs none ({@link GradContext#needs})
     */
    List<String> backward(NodeProto node, List<String> outputGrads, GradContext ctx);
}
