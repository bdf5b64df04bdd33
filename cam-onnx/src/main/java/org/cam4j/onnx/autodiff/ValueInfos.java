package org.cam4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The inputs and outputs the built graphs declare, and the trimming of what a cut graph no longer reads. */
public final class ValueInfos {
    private ValueInfos() {
    }

    /** A float graph output of unknown shape. */
    public static ValueInfoProto floatOutput(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))).build();
    }

    /** A float graph input of the given rank with symbolic dimensions. */
    public static ValueInfoProto floatInput(String name, int rank) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < rank; i++) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("cam4j_d" + i));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    /** Drops initializers no node of the (cut) graph reads. */
    static GraphProto.Builder withoutUnusedInitializers(GraphProto.Builder g) {
        Set<String> used = new HashSet<>();
        g.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        List<TensorProto> keep = g.getInitializerList().stream().filter(t -> used.contains(t.getName())).toList();
        return g.clearInitializer().addAllInitializer(keep);
    }
}
