package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Appends new nodes and constants to a graph under construction, with unique names, and writes the few ops
 * whose signature changed across opsets (ReduceSum/Mean/Max axes, Squeeze/Unsqueeze axes, Slice bounds) in the
 * form the model's opset expects.
 */
public final class Emitter {
    private final String prefix;
    private final int opset;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> constants = new ArrayList<>();
    private int counter;

    /** An emitter naming what it adds {@code prefix...}, writing ops as {@code opset} defines them. */
    public Emitter(String prefix, int opset) {
        this.prefix = prefix;
        this.opset = opset;
    }

    /** The opset the ops are written for. */
    public int opset() {
        return opset;
    }

    /** The nodes added so far, in order. */
    public List<NodeProto> nodes() {
        return nodes;
    }

    /** The constants (initializers) added so far. */
    public List<TensorProto> constants() {
        return constants;
    }

    /** A new unique tensor or node name built from {@code hint}. */
    public String fresh(String hint) {
        return prefix + hint + "_" + (counter++);
    }

    /** Adds a node with one output; returns the output's name. */
    public String op(String type, List<String> inputs, AttributeProto... attributes) {
        return op(type, inputs, 1, attributes).get(0);
    }

    /** Adds a node of one input and one output; returns the output's name. */
    public String op(String type, String input, AttributeProto... attributes) {
        return op(type, List.of(input), attributes);
    }

    /** Adds a node of two inputs and one output; returns the output's name. */
    public String op(String type, String a, String b, AttributeProto... attributes) {
        return op(type, List.of(a, b), attributes);
    }

    /** Adds a node with {@code outputs} outputs; returns their names. */
    public List<String> op(String type, List<String> inputs, int outputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(type).setName(fresh(type + "_node")).addAllInput(inputs);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String name = fresh(type.toLowerCase());
            b.addOutput(name);
            names.add(name);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        nodes.add(b.build());
        return names;
    }

    /** Adds an already built node (for example a modified copy of a model node). */
    public void add(NodeProto node) {
        nodes.add(node);
    }

    /** A float32 constant of this shape. */
    public String floats(float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return constant("const_f", TensorProto.DataType.FLOAT, buf, dims);
    }

    /** A float scalar (rank 0). */
    public String scalar(float value) {
        return floats(new float[] {value});
    }

    /** An int64 constant of this shape (no dims: a scalar). */
    public String longs(long[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return constant("const_i", TensorProto.DataType.INT64, buf, dims);
    }

    private String constant(String hint, TensorProto.DataType type, ByteBuffer data, long[] dims) {
        String name = fresh(hint);
        constants.add(TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setRawData(com.google.protobuf.ByteString.copyFrom(data.array())).build());
        return name;
    }

    /** A 1-d int64 constant. */
    public String vector(long... values) {
        return longs(values, values.length);
    }

    /** a * b, broadcast. */
    public String mul(String a, String b) {
        return op("Mul", a, b);
    }

    /** a + b, broadcast. */
    public String add(String a, String b) {
        return op("Add", a, b);
    }

    /** a - b, broadcast. */
    public String sub(String a, String b) {
        return op("Sub", a, b);
    }

    /** a / b, broadcast. */
    public String div(String a, String b) {
        return op("Div", a, b);
    }

    /** -a. */
    public String neg(String a) {
        return op("Neg", a);
    }

    /** x as float32 (a condition: 1.0 where it holds, else 0.0). */
    public String toFloat(String x) {
        return op("Cast", List.of(x), Attributes.integer("to", TensorProto.DataType.FLOAT.getNumber()));
    }

    /** x as int64 (indices of any integer type, or whole-number floats). */
    public String toInt64(String x) {
        return op("Cast", List.of(x), Attributes.integer("to", TensorProto.DataType.INT64.getNumber()));
    }

    /** One-hot rows of {@code depth} float values (1 at the index, 0 elsewhere) on a new last axis. */
    public String oneHot(String indices, String depth) {
        return op("OneHot", List.of(indices, depth, floats(new float[] {0f, 1f}, 2)), Attributes.integer("axis", -1));
    }

    /** The shape of x at run time (int64). */
    public String shape(String x) {
        return op("Shape", x);
    }

    /** x reshaped to the run-time shape of {@code like}. */
    public String reshapeLike(String x, String like) {
        return op("Reshape", x, shape(like));
    }

    /** x reshaped to a constant shape (0 copies an axis, -1 infers one). */
    public String reshape(String x, long... shape) {
        return op("Reshape", x, vector(shape));
    }

    /** Zeros shaped like {@code like}. */
    public String zerosLike(String like) {
        return filledLike(like, 0f);
    }

    /** Ones shaped like {@code like} (the seed of a backward pass from a scalar). */
    public String onesLike(String like) {
        return filledLike(like, 1f);
    }

    private String filledLike(String like, float value) {
        return op("ConstantOfShape", List.of(shape(like)), AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).setT(TensorProto.newBuilder()
                        .setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(1).addFloatData(value)).build());
    }

    /** x broadcast to the run-time shape of {@code like}. */
    public String expandLike(String x, String like) {
        return op("Expand", x, shape(like));
    }

    /** A reduction over {@code axes} in the form the opset expects (axes as attribute, or as input from 13/18). */
    public String reduce(String type, String x, long[] axes, boolean keepdims) {
        boolean axesAsInput = type.equals("ReduceSum") ? opset >= 13 : opset >= 18;
        AttributeProto keep = Attributes.integer("keepdims", keepdims ? 1 : 0);
        if (axesAsInput) {
            return op(type, List.of(x, vector(axes)), keep);
        }
        return op(type, List.of(x), Attributes.ints("axes", axes), keep);
    }

    /** The sum of x over the axes. */
    public String reduceSum(String x, long[] axes, boolean keepdims) {
        return reduce("ReduceSum", x, axes, keepdims);
    }

    /** The mean of x over the axes. */
    public String reduceMean(String x, long[] axes, boolean keepdims) {
        return reduce("ReduceMean", x, axes, keepdims);
    }

    /** x with new axes of size 1 at these positions. */
    public String unsqueeze(String x, long... axes) {
        return opset >= 13 ? op("Unsqueeze", x, vector(axes)) : op("Unsqueeze", List.of(x), Attributes.ints("axes", axes));
    }

    /** x without these axes of size 1. */
    public String squeeze(String x, long... axes) {
        return opset >= 13 ? op("Squeeze", x, vector(axes)) : op("Squeeze", List.of(x), Attributes.ints("axes", axes));
    }

    /** x[starts:ends] along axes (step 1), in the opset's form. */
    public String slice(String x, long[] starts, long[] ends, long[] axes) {
        if (opset >= 10) {
            return op("Slice", List.of(x, vector(starts), vector(ends), vector(axes)));
        }
        return op("Slice", List.of(x), Attributes.ints("starts", starts), Attributes.ints("ends", ends),
                Attributes.ints("axes", axes));
    }

    /** Constant zero padding with ONNX's pads layout (all begins, then all ends). */
    public String pad(String x, long[] pads) {
        if (opset >= 11) {
            return op("Pad", List.of(x, vector(pads)));
        }
        return op("Pad", List.of(x), Attributes.ints("pads", pads));
    }
}
