package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Static facts about tensors that the gradient rules need: shapes (from a probe run of the model, from
 * initializers) and the values of small integer tensors (Slice bounds, Pad amounts, Gather indices).
 * The batch dimension of probed shapes is the probe's batch size; rules never bake it into the graph.
 */
public final class TensorFacts {
    private final OnnxGraph graph;
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, long[]> values = new HashMap<>();

    /** Facts about this graph's tensors, none probed yet. */
    public TensorFacts(OnnxGraph graph) {
        this.graph = graph;
    }

    private TensorFacts(OnnxGraph graph, TensorFacts shared) {
        this.graph = graph;
        this.shapes.putAll(shared.shapes);
        this.values.putAll(shared.values);
    }

    /** The same facts for a graph cut from this one (same tensor names, same initializers). */
    public TensorFacts forGraph(OnnxGraph other) {
        return new TensorFacts(other, this);
    }

    /** Forgets every probed shape and value (the model's input size changed). */
    public void clear() {
        shapes.clear();
        values.clear();
    }

    /** Records a tensor's probed shape. */
    public void putShape(String tensor, long[] shape) {
        shapes.put(tensor, shape);
    }

    /** Records a small int64 tensor's probed values. */
    public void putValues(String tensor, long[] v) {
        values.put(tensor, v);
    }

    /** The values a probe recorded for a tensor (not those of constants), or {@code null}. */
    public long[] probedValues(String tensor) {
        return values.get(tensor);
    }

    /** Whether the tensor's shape is known (probed, an initializer or a constant). */
    public boolean hasShape(String tensor) {
        return shapes.containsKey(tensor) || graph.isInitializer(tensor) || constantNode(tensor) != null;
    }

    /** The tensor's shape; refused when unknown. */
    public long[] shape(String tensor) {
        long[] s = shapes.get(tensor);
        if (s != null) {
            return s;
        }
        TensorProto t = graph.isInitializer(tensor) ? graph.initializer(tensor) : constantNode(tensor);
        if (t != null) {
            return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }
        throw new IllegalStateException("no shape known for tensor '" + tensor + "'");
    }

    /** The tensor's number of axes. */
    public int rank(String tensor) {
        return shape(tensor).length;
    }

    /** Integer values of a constant or probed int tensor, or {@code null} when unknown. */
    public long[] values(String tensor) {
        if (tensor == null || tensor.isEmpty()) {
            return null;
        }
        long[] v = values.get(tensor);
        if (v != null) {
            return v;
        }
        TensorProto t = graph.isInitializer(tensor) ? graph.initializer(tensor) : constantNode(tensor);
        return t == null ? null : longs(t);
    }

    private TensorProto constantNode(String tensor) {
        NodeProto p = graph.producer(tensor);
        if (p == null || !p.getOpType().equals("Constant")) {
            return null;
        }
        AttributeProto value = Attributes.find(p, "value");
        return value == null ? null : value.getT();
    }

    /** Values of a float initializer or Constant, or {@code null}. */
    public float[] floats(String tensor) {
        TensorProto t = graph.isInitializer(tensor) ? graph.initializer(tensor) : constantNode(tensor);
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            return null;
        }
        int n = (int) t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = b.getFloat();
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** Values of an int64/int32 tensor proto. */
    public static long[] longs(TensorProto t) {
        int n = (int) t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
        long[] out = new long[n];
        boolean int64 = t.getDataType() == TensorProto.DataType.INT64.getNumber();
        boolean int32 = t.getDataType() == TensorProto.DataType.INT32.getNumber();
        if (!int64 && !int32) {
            return null;
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = int64 ? b.getLong() : b.getInt();
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = int64 ? t.getInt64Data(i) : t.getInt32Data(i);
            }
        }
        return out;
    }
}
