package org.cam4j.testdata;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small fluent writer of ONNX models for tests: inputs, initializers (random from a seeded generator, or given),
 * nodes with attributes, outputs. Dimensions of -1 become a symbolic batch dimension.
 */
public final class OnnxModelBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("cam4j_test");
    private final int opset;
    private final Random random;
    private int counter;

    public OnnxModelBuilder(int opset, long seed) {
        this.opset = opset;
        this.random = new Random(seed);
    }

    public OnnxModelBuilder input(String name, long... shape) {
        graph.addInput(valueInfo(name, shape));
        return this;
    }

    public OnnxModelBuilder output(String name, long... shape) {
        graph.addOutput(valueInfo(name, shape));
        return this;
    }

    /** An int64 output (class labels, indices). */
    public OnnxModelBuilder longOutput(String name, long... shape) {
        ValueInfoProto v = valueInfo(name, shape);
        graph.addOutput(v.toBuilder().setType(v.getType().toBuilder().setTensorType(v.getType().getTensorType()
                .toBuilder().setElemType(TensorProto.DataType.INT64.getNumber()))));
        return this;
    }

    private static ValueInfoProto valueInfo(String name, long[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(s))).build();
    }

    /** A float initializer with normal random values times {@code scale}, plus {@code offset}. */
    public String random(String name, float scale, float offset, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale + offset;
        }
        return floats(name, v, shape);
    }

    /** A float initializer with uniform values in [low, high). */
    public String uniform(String name, float low, float high, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + random.nextFloat() * (high - low);
        }
        return floats(name, v, shape);
    }

    public String floats(String name, float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            b.putFloat(f);
        }
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(java.util.Arrays.stream(shape).boxed().toList()).setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    public String longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length).setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /** A rank-0 int64 initializer. */
    public String longScalar(String name, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
                .setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /** Adds a node named {@code name} (also its output's name) and returns the output name. */
    public String node(String op, String name, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return name;
    }

    /** Adds a node with an automatic name. */
    public String op(String op, String[] inputs, AttributeProto... attributes) {
        return node(op, op.toLowerCase() + "_" + (counter++), inputs, attributes);
    }

    /** Adds a node with several named outputs. */
    public void multi(String op, String[] inputs, String[] outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + (counter++));
        for (String in : inputs) {
            n.addInput(in);
        }
        for (String out : outputs) {
            n.addOutput(out);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    public static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    public ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(opset >= 21 ? 10 : 8).setProducerName("cam4j-testdata")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public Path write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, build().toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
