package org.cam4j.tensorflow;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The testdata CNN ({@code SyntheticModels.cnn}: conv, batch norm, ReLU, max pooling, a residual add, global
 * pooling, dense) rebuilt with TensorFlow Java from the ONNX file's own weights, NHWC, ending in a Softmax, and
 * saved as a SavedModel whose serving signature calls a function, as Keras writes them (so the inliner is what makes
 * its layers reachable). Layer scopes are named as the ONNX nodes: {@code block_out}, {@code relu1}. The frozen
 * variant also holds a branch that does not reach the output ({@code side}).
 */
final class TwinSavedModel {
    private TwinSavedModel() {
    }

    static Path write(OnnxMl.ModelProto onnx, Path dir) {
        ConcreteFunction fn = ConcreteFunction.create(tf -> {
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 16, 16, 3)));
            Operand<TFloat32> probs = network(tf, x, onnx);
            return Signature.builder().key("serving_default").input("input", x).output("probs", probs).build();
        });
        try (fn; Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("serving_default_input").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 16, 16, 3)));
            Operand<?> out = fn.call(tf, in);
            TensorInfo input = TensorInfo.newBuilder().setName(in.op().name() + ":0").setDtype(DataType.DT_FLOAT).build();
            TensorInfo output = TensorInfo.newBuilder().setName(out.asOutput().op().name() + ":"
                    + out.asOutput().index()).setDtype(DataType.DT_FLOAT).build();
            SavedModel saved = SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(
                    MetaGraphDef.newBuilder().setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
                            .setGraphDef(g.toGraphDef()).putSignatureDef("serving_default", SignatureDef.newBuilder()
                                    .putInputs("input", input).putOutputs("probs", output)
                                    .setMethodName("tensorflow/serving/predict").build())).build();
            Files.createDirectories(dir);
            Files.write(dir.resolve("saved_model.pb"), saved.toByteArray());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same network as one frozen GraphDef (constants, no function, no signature): input and one output. */
    static Path writeFrozen(OnnxMl.ModelProto onnx, Path file) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("input").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 16, 16, 3)));
            network(tf, x, onnx);
            // a branch that does not reach the output, kept alive by a control dependency (not a second output)
            var side = tf.withSubScope("side").nn.relu(x);
            tf.withName("keep_side").withControlDependencies(List.of(side)).noOp();
            Files.write(file, g.toGraphDef().toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The network on an NHWC input, ending in a Softmax. */
    private static Operand<TFloat32> network(Ops tf, Operand<TFloat32> x, OnnxMl.ModelProto onnx) {
        Operand<TFloat32> c1 = conv(tf.withSubScope("conv1"), x, onnx, "conv1");
        Ops bnScope = tf.withSubScope("bn1");
        FusedBatchNorm<TFloat32, TFloat32> bn = bnScope.nn.fusedBatchNorm(c1, vector(tf, onnx, "bn1.scale"),
                vector(tf, onnx, "bn1.bias"), vector(tf, onnx, "bn1.mean"), vector(tf, onnx, "bn1.var"),
                FusedBatchNorm.epsilon(1e-5f), FusedBatchNorm.isTraining(false));
        Operand<TFloat32> r1 = tf.withSubScope("relu1").nn.relu(bn.y());
        Operand<TFloat32> p1 = tf.withSubScope("pool1").nn.maxPool(r1, tf.constant(new int[] {1, 2, 2, 1}),
                tf.constant(new int[] {1, 2, 2, 1}), "VALID");
        Operand<TFloat32> r2 = tf.withSubScope("relu2").nn.relu(conv(tf.withSubScope("conv2"), p1, onnx, "conv2"));
        Operand<TFloat32> out = tf.withSubScope("block_out").nn.relu(tf.withSubScope("residual").math.add(r2, p1));
        Operand<TFloat32> gap = tf.withSubScope("gap").math.mean(out, tf.constant(new int[] {1, 2}));
        float[] w = floats(onnx, "fc.w"); // 5 x 8, Gemm with transB: logits = gap W^T + b
        float[] wt = new float[8 * 5];
        for (int o = 0; o < 5; o++) {
            for (int i = 0; i < 8; i++) {
                wt[i * 5 + o] = w[o * 8 + i];
            }
        }
        Ops dense = tf.withSubScope("logits");
        Operand<TFloat32> logits = dense.math.add(dense.linalg.matMul(gap,
                tf.constant(Shape.of(8, 5), DataBuffers.of(wt))), vector(tf, onnx, "fc.b"));
        Operand<TFloat32> probs = tf.withSubScope("probs").nn.softmax(logits);
        return probs;
    }

    /** 3 x 3 convolution, SAME padding (the ONNX twin pads 1), plus bias; weights OIHW in ONNX, HWIO here. */
    private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, OnnxMl.ModelProto onnx, String name) {
        float[] oihw = floats(onnx, name + ".w");
        long[] s = shape(onnx, name + ".w");
        int o = (int) s[0];
        int in = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[] hwio = new float[oihw.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < in; b++) {
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        hwio[((y * w + z) * in + b) * o + a] = oihw[((a * in + b) * h + y) * w + z];
                    }
                }
            }
        }
        Operand<TFloat32> filter = tf.constant(Shape.of(h, w, in, o), DataBuffers.of(hwio));
        return tf.nn.biasAdd(tf.nn.conv2d(x, filter, List.of(1L, 1L, 1L, 1L), "SAME"), vector(tf, onnx, name + ".b"));
    }

    private static Operand<TFloat32> vector(Ops tf, OnnxMl.ModelProto onnx, String name) {
        return tf.constant(floats(onnx, name));
    }

    private static OnnxMl.TensorProto initializer(OnnxMl.ModelProto onnx, String name) {
        return onnx.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no initializer " + name));
    }

    private static long[] shape(OnnxMl.ModelProto onnx, String name) {
        return initializer(onnx, name).getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static float[] floats(OnnxMl.ModelProto onnx, String name) {
        OnnxMl.TensorProto t = initializer(onnx, name);
        if (t.getFloatDataCount() > 0) {
            float[] v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
            return v;
        }
        java.nio.FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }
}
