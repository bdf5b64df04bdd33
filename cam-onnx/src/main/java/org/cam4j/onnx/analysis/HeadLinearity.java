package org.cam4j.onnx.analysis;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Set;

/**
 * Whether the network from a layer to the output is piecewise linear in the layer: every op on the backward path is
 * piecewise linear (ReLU, pooling, convolutions, reshapes...), or linear in each input with at most one input
 * depending on the layer (and never a divisor that does). Its Hessian is then exactly zero wherever defined.
 */
public final class HeadLinearity {
    /** Ops whose outputs are piecewise linear in every input. */
    private static final Set<String> PIECEWISE_LINEAR = Set.of("Relu", "LeakyRelu", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "Conv", "ConvTranspose", "Add", "Sub", "Neg", "BatchNormalization",
            "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Pad", "Identity",
            "Dropout", "Clip", "Max", "Min", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "Resize",
            "Upsample", "Split", "Expand", "Tile", "Abs", "Sum", "Mean", "Cast");
    /** Ops linear in each input, hence piecewise linear when at most one input depends on the layer. */
    private static final Set<String> MULTILINEAR = Set.of("Mul", "Div", "MatMul", "Gemm", "Einsum", "PRelu");

    private HeadLinearity() {
    }

    /**
     * Whether the outputs are a piecewise-linear function of the tensor (so a head's Taylor expansion is exact within a
     * linear piece).
     */
    public static boolean isPiecewiseLinear(Reachability builder, String tensor) {
        Set<String> active = builder.active(List.of(tensor));
        for (NodeProto n : builder.path(List.of(tensor))) {
            long activeInputs = n.getInputList().stream().filter(active::contains).count();
            boolean divisorActive = n.getOpType().equals("Div") && n.getInputCount() > 1
                    && active.contains(n.getInput(1));
            boolean ok = PIECEWISE_LINEAR.contains(n.getOpType())
                    || MULTILINEAR.contains(n.getOpType()) && activeInputs <= 1 && !divisorActive;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
