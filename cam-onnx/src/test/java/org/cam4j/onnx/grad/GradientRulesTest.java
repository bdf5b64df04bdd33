package org.cam4j.onnx.grad;

import static org.cam4j.testdata.OnnxModelBuilder.f;
import static org.cam4j.testdata.OnnxModelBuilder.i;
import static org.cam4j.testdata.OnnxModelBuilder.ints;
import static org.cam4j.testdata.OnnxModelBuilder.s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every gradient rule, with attribute and broadcasting variants, against central finite differences. */
class GradientRulesTest {
    private record Case(String name, int opset, Map<String, int[]> inputs, Function<OnnxModelBuilder, String> body,
                        float offset) {
    }

    private static Map<String, int[]> in(Object... nameShape) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int k = 0; k < nameShape.length; k += 2) {
            m.put((String) nameShape[k], (int[]) nameShape[k + 1]);
        }
        return m;
    }

    private static int[] sh(int... s) {
        return s;
    }

    private static Case unary(String op, int opset, int[] shape, float offset,
                              ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
        return new Case(op, opset, in("x", shape), b -> b.op(op, new String[] {"x"}, attrs), offset);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        int[] img = sh(2, 4, 7, 7);
        c.add(new Case("Conv groups/dilations/strides/asymmetric pads", 17, in("x", img), b -> b.op("Conv",
                new String[] {"x", b.random("w", 0.3f, 0, 6, 2, 3, 3), b.random("b", 0.1f, 0, 6)}, i("group", 2),
                ints("dilations", 2, 1), ints("strides", 2, 2), ints("pads", 1, 0, 2, 1)), 0));
        c.add(new Case("Conv auto_pad SAME_UPPER stride 2", 17, in("x", img), b -> b.op("Conv",
                new String[] {"x", b.random("w", 0.3f, 0, 3, 4, 4, 4)}, s("auto_pad", "SAME_UPPER"),
                ints("strides", 2, 2)), 0));
        c.add(new Case("Conv 1d opset 9", 9, in("x", sh(2, 3, 9)), b -> b.op("Conv",
                new String[] {"x", b.random("w", 0.3f, 0, 4, 3, 3)}, ints("strides", 2)), 0));
        c.add(new Case("ConvTranspose", 17, in("x", sh(2, 4, 4, 4)), b -> b.op("ConvTranspose",
                new String[] {"x", b.random("w", 0.3f, 0, 4, 3, 3, 3)}, ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                ints("output_padding", 1, 1)), 0));
        c.add(new Case("Gemm both inputs, transB", 17, in("a", sh(3, 4), "b", sh(5, 4), "c", sh(5)),
                b -> b.op("Gemm", new String[] {"a", "b", "c"}, i("transB", 1), f("alpha", 0.7f), f("beta", 1.3f)), 0));
        c.add(new Case("Gemm transA", 11, in("a", sh(4, 3), "b", sh(4, 5)),
                b -> b.op("Gemm", new String[] {"a", "b"}, i("transA", 1)), 0));
        c.add(new Case("MatMul batched broadcast", 17, in("a", sh(2, 3, 4, 5), "b", sh(3, 5, 6)),
                b -> b.op("MatMul", new String[] {"a", "b"}), 0));
        c.add(new Case("MatMul vector", 17, in("a", sh(2, 3, 4), "b", sh(4)),
                b -> b.op("MatMul", new String[] {"a", "b"}), 0));
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            c.add(new Case(op + " broadcast", 17, in("a", sh(2, 3, 4), "b", sh(3, 1)),
                    b -> b.op(op, new String[] {"a", op.equals("Div") ? b.op("Add", new String[] {b.op("Abs",
                            new String[] {"b"}), b.floats("half", new float[] {0.5f})}) : "b"}), 0));
        }
        c.add(new Case("Pow", 17, in("x", sh(2, 5)), b -> b.op("Pow", new String[] {
                b.op("Add", new String[] {b.op("Abs", new String[] {"x"}), b.floats("h", new float[] {0.5f})}),
                b.floats("p", new float[] {2.5f})}), 0));
        c.add(unary("Sqrt", 17, sh(2, 5), 2f));
        c.add(unary("Log", 17, sh(2, 5), 2f));
        for (String op : List.of("Neg", "Abs", "Exp", "Relu", "Sigmoid", "Tanh", "Erf", "HardSwish", "Identity")) {
            c.add(unary(op, 17, sh(2, 3, 4), 0));
        }
        c.add(unary("LeakyRelu", 17, sh(2, 3, 4), 0, f("alpha", 0.2f)));
        c.add(unary("HardSigmoid", 17, sh(2, 3, 4), 0, f("alpha", 0.3f), f("beta", 0.4f)));
        c.add(unary("Gelu", 20, sh(2, 6), 0));
        c.add(unary("Gelu", 20, sh(2, 6), 0, s("approximate", "tanh")));
        c.add(new Case("PRelu", 17, in("x", sh(2, 3, 4)), b -> b.op("PRelu", new String[] {"x",
                b.random("slope", 0.2f, 0.1f, 3, 1)}), 0));
        c.add(new Case("Clip inputs", 17, in("x", sh(2, 3, 4)), b -> b.op("Clip", new String[] {"x",
                b.floats("lo", new float[] {-0.5f}), b.floats("hi", new float[] {0.6f})}), 0));
        c.add(unary("Clip", 9, sh(2, 3, 4), 0, f("min", -0.4f), f("max", 0.5f)));
        c.add(unary("Softmax", 17, sh(2, 3, 4), 0, i("axis", 1)));
        c.add(unary("Softmax", 11, sh(2, 3, 4), 0, i("axis", 1)));
        c.add(unary("LogSoftmax", 17, sh(2, 5), 0));
        c.add(unary("MaxPool", 17, img, 0, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
        c.add(unary("MaxPool", 11, sh(2, 3, 6, 6), 0, ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        c.add(unary("AveragePool", 17, img, 0, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
        c.add(unary("AveragePool", 17, img, 0, ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1), i("count_include_pad", 1)));
        c.add(unary("AveragePool", 17, sh(2, 3, 6, 6), 0, ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                i("ceil_mode", 1)));
        c.add(unary("GlobalAveragePool", 17, img, 0));
        c.add(unary("GlobalMaxPool", 17, img, 0));
        c.add(unary("ReduceMean", 17, sh(2, 3, 4), 0, ints("axes", 1, 2), i("keepdims", 0)));
        c.add(new Case("ReduceSum axes input", 17, in("x", sh(2, 3, 4)), b -> b.op("ReduceSum",
                new String[] {"x", b.longs("axes", -1)}), 0));
        c.add(unary("ReduceMax", 17, sh(2, 3, 4), 0, ints("axes", 2), i("keepdims", 0)));
        c.add(unary("ReduceMean", 18, sh(2, 3, 4), 0));
        c.add(new Case("BatchNormalization", 17, in("x", img), b -> b.op("BatchNormalization", new String[] {"x",
                b.uniform("g", 0.5f, 1.5f, 4), b.random("b", 0.1f, 0, 4), b.random("m", 0.1f, 0, 4),
                b.uniform("v", 0.5f, 1.5f, 4)}), 0));
        c.add(new Case("LayerNormalization last axis", 17, in("x", sh(2, 3, 6)), b -> b.op("LayerNormalization",
                new String[] {"x", b.uniform("g", 0.5f, 1.5f, 6), b.random("b", 0.1f, 0, 6)}), 0));
        c.add(new Case("LayerNormalization axis 1", 17, in("x", sh(2, 3, 4)), b -> b.op("LayerNormalization",
                new String[] {"x", b.uniform("g", 0.5f, 1.5f, 3, 4)}, i("axis", 1)), 0));
        c.add(new Case("InstanceNormalization", 17, in("x", sh(2, 3, 4, 4)), b -> b.op("InstanceNormalization",
                new String[] {"x", b.uniform("g", 0.5f, 1.5f, 3), b.random("b", 0.1f, 0, 3)}), 0));
        c.add(unary("Flatten", 17, img, 0, i("axis", 2)));
        c.add(new Case("Reshape", 17, in("x", sh(2, 3, 4)), b -> b.op("Reshape", new String[] {"x",
                b.longs("s", 0, -1, 2)}), 0));
        c.add(new Case("Squeeze/Unsqueeze", 17, in("x", sh(2, 1, 4)), b -> b.op("Unsqueeze", new String[] {
                b.op("Squeeze", new String[] {"x", b.longs("a", 1)}), b.longs("a2", 0)}), 0));
        c.add(unary("Squeeze", 11, sh(2, 1, 4), 0, ints("axes", 1)));
        c.add(unary("Transpose", 17, sh(2, 3, 4), 0, ints("perm", 2, 0, 1)));
        c.add(new Case("Concat", 17, in("a", sh(2, 3, 4), "b", sh(2, 2, 4)),
                b -> b.op("Concat", new String[] {"a", "b"}, i("axis", 1)), 0));
        c.add(new Case("Split one output used", 17, in("x", sh(2, 5, 3)), b -> {
            b.multi("Split", new String[] {"x", b.longs("parts", 2, 3)}, new String[] {"p0", "p1"}, i("axis", 1));
            return b.op("Mul", new String[] {"p1", b.floats("two", new float[] {2f})});
        }, 0));
        c.add(new Case("Slice negative bounds", 17, in("x", sh(2, 6, 5)), b -> b.op("Slice", new String[] {"x",
                b.longs("st", 1, -4), b.longs("en", -1, 100), b.longs("ax", 1, 2)}), 0));
        c.add(unary("Slice", 9, sh(2, 6), 0, ints("starts", 1), ints("ends", 4), ints("axes", 1)));
        c.add(new Case("Slice steps (Swin patch merging)", 17, in("x", sh(2, 7, 6, 3)), b -> b.op("Slice",
                new String[] {"x", b.longs("st", 1, 0), b.longs("en", 100, 5), b.longs("ax", 1, 2),
                    b.longs("sp", 2, 3)}), 0));
        c.add(new Case("Gather repeated indices", 17, in("x", sh(2, 5, 3)), b -> b.op("Gather", new String[] {"x",
                b.longs("idx", 4, 0, 4, -1)}, i("axis", 1)), 0));
        c.add(new Case("Gather scalar index", 17, in("x", sh(2, 5, 3)), b -> b.op("Gather", new String[] {"x",
                b.longScalar("idx", 0)}, i("axis", 1)), 0));
        c.add(new Case("Pad", 17, in("x", sh(2, 3, 4)), b -> b.op("Pad", new String[] {"x",
                b.longs("pads", 0, 1, 2, 0, 2, 0)}), 0));
        c.add(new Case("Expand", 17, in("x", sh(3, 1)), b -> b.op("Expand", new String[] {"x", b.longs("s", 2, 3, 4)}), 0));
        c.add(new Case("Where", 17, in("a", sh(2, 3), "b", sh(3)), b -> b.op("Where", new String[] {
                b.op("Greater", new String[] {b.random("c", 1f, 0, 2, 3), b.floats("z", new float[] {0f})}), "a", "b"}), 0));
        c.add(new Case("Dropout training_mode ratio 0", 17, in("x", sh(2, 4)), b -> b.op("Dropout", new String[] {"x",
                b.floats("r", new float[] {0f}), b.node("Constant", "tm", new String[] {},
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                                .setT(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setDataType(9).addInt32Data(1)).build())}), 0));
        c.add(unary("Cast", 17, sh(2, 4), 0, i("to", 1)));
        for (String op : List.of("Reciprocal", "Softplus", "Elu", "Selu", "Sin", "Cos")) {
            c.add(unary(op, 17, sh(2, 5), op.equals("Reciprocal") ? 3f : 0));
        }
        c.add(unary("Mish", 18, sh(2, 5), 0));
        c.add(new Case("Sum/Mean/Max/Min broadcast", 17, in("a", sh(2, 3), "b", sh(3), "c", sh(2, 1)), b -> b.op("Add",
                new String[] {b.op("Sum", new String[] {"a", "b", "c"}), b.op("Mul", new String[] {
                    b.op("Mean", new String[] {"a", "b"}), b.op("Add", new String[] {b.op("Max", new String[] {"a", "c"}),
                        b.op("Min", new String[] {"b", "c"})})})}), 0));
        c.add(new Case("Einsum attention scores", 17, in("q", sh(2, 2, 3, 4), "k", sh(2, 2, 5, 4)), b -> b.op("Einsum",
                new String[] {"q", "k"}, s("equation", "bhqd,bhkd->bhqk")), 0));
        c.add(new Case("Einsum with a weight", 17, in("x", sh(2, 3, 4)), b -> b.op("Einsum",
                new String[] {"x", b.random("w", 0.5f, 0, 4, 5)}, s("equation", "bij,jk->bik")), 0));
        c.add(new Case("residual block into global pooling and a dense head", 17, in("x", sh(2, 8, 6, 6)), b -> {
            String conv = b.op("Conv", new String[] {"x", b.random("w", 0.2f, 0, 8, 8, 3, 3), b.random("bb", 0.1f, 0, 8)},
                    ints("pads", 1, 1, 1, 1));
            String sum = b.op("Add", new String[] {b.op("Relu", new String[] {conv}), "x"});
            String pooled = b.op("Flatten", new String[] {b.op("GlobalAveragePool", new String[] {
                b.op("Relu", new String[] {sum})})}, i("axis", 1));
            return b.op("Gemm", new String[] {pooled, b.random("fc", 0.5f, 0, 5, 8)}, i("transB", 1));
        }, 0));
        c.add(new Case("Tile", 17, in("x", sh(2, 3, 2)), b -> b.op("Tile", new String[] {"x", b.longs("r", 1, 2, 3)}), 0));
        c.add(new Case("Resize nearest x2", 17, in("x", sh(1, 2, 3, 3)), b -> b.op("Resize", new String[] {"x", "",
                b.floats("sc", new float[] {1, 1, 2, 2}, 4)}, s("mode", "nearest")), 0));
        c.add(new Case("Resize linear half_pixel 3x4 to 7x5", 17, in("x", sh(2, 2, 3, 4)), b -> b.op("Resize",
                new String[] {"x", "", "", b.longs("sz", 2, 2, 7, 5)}, s("mode", "linear")), 0));
        c.add(new Case("Resize linear align_corners, shrinking", 17, in("x", sh(1, 2, 6, 5)), b -> b.op("Resize",
                new String[] {"x", "", "", b.longs("sz", 1, 2, 4, 3)}, s("mode", "linear"),
                s("coordinate_transformation_mode", "align_corners")), 0));
        c.add(new Case("Resize cubic pytorch_half_pixel", 17, in("x", sh(1, 1, 4, 4)), b -> b.op("Resize",
                new String[] {"x", "", b.floats("sc", new float[] {1, 1, 1.5f, 2f}, 4)}, s("mode", "cubic"),
                s("coordinate_transformation_mode", "pytorch_half_pixel")), 0));
        c.add(new Case("Resize nearest asymmetric floor 3-d", 17, in("x", sh(2, 3, 4)), b -> b.op("Resize",
                new String[] {"x", "", b.floats("sc", new float[] {1, 1, 2.5f}, 3)}, s("mode", "nearest"),
                s("coordinate_transformation_mode", "asymmetric"), s("nearest_mode", "floor")), 0));
        c.add(new Case("Upsample opset 9", 9, in("x", sh(1, 2, 3, 3)), b -> b.op("Upsample", new String[] {"x",
                b.floats("sc", new float[] {1, 1, 2, 2}, 4)}, s("mode", "linear")), 0));
        // selection by indices the run computes (a detector's post-processing): NonZero's output is data-dependent
        // to the gradient builder, so these rules read the indices at run time, never from the probe
        c.add(new Case("Gather axis 0, run-time indices", 17, in("x", sh(4, 3)), b -> b.op("Gather",
                new String[] {"x", kept(b, 1, 0, 1, 1)}), 0));
        c.add(new Case("Gather axis 1, run-time 2-d indices, repeated", 17, in("x", sh(2, 4, 3)), b -> b.op("Gather",
                new String[] {"x", b.op("Concat", new String[] {b.op("NonZero", new String[] {b.floats("m",
                        new float[] {0, 1, 0, 1}, 4)}), b.op("NonZero", new String[] {b.floats("m2",
                        new float[] {0, 1, 1, 0}, 4)})}, i("axis", 0))}, i("axis", 1)), 0));
        c.add(new Case("GatherND repeated tuples", 17, in("x", sh(3, 4, 5)), b -> b.op("GatherND", new String[] {"x",
                b.op("Reshape", new String[] {b.longs("t", 0, 1, 2, 3, 0, 1), b.longs("ts", 3, 2)})}), 0));
        c.add(new Case("GatherND run-time tuples", 17, in("x", sh(3, 4)), b -> b.op("GatherND", new String[] {"x",
                b.op("Transpose", new String[] {b.op("NonZero", new String[] {b.floats("m", new float[] {
                    1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1}, 3, 4)})})}), 0));
        c.add(new Case("TopK values", 17, in("x", sh(2, 6)), b -> {
            b.multi("TopK", new String[] {"x", b.longs("k", 3)}, new String[] {"values", "indices"}, i("axis", 1));
            return "values";
        }, 0));
        c.add(new Case("TopK smallest, axis 0", 17, in("x", sh(5, 3)), b -> {
            b.multi("TopK", new String[] {"x", b.longs("k", 2)}, new String[] {"values", "indices"}, i("axis", 0),
                    i("largest", 0));
            return "values";
        }, 0));
        c.add(new Case("Slice of a run-time-sized tensor, step 2", 17, in("a", sh(5, 4)), b -> b.op("Slice",
                new String[] {b.op("Gather", new String[] {"a", kept(b, 1, 1, 0, 1, 1)}), b.longs("st", 1, 0),
                    b.longs("en", 100, 3), b.longs("ax", 0, 1), b.longs("sp", 2, 1)}), 0));
        c.add(new Case("Concat of a run-time-sized part", 17, in("a", sh(4, 3), "b", sh(2, 3)), b -> b.op("Concat",
                new String[] {b.op("Gather", new String[] {"a", kept(b, 0, 1, 1, 0)}), "b"}, i("axis", 0)), 0));
        // RoiAlign as torchvision's Faster R-CNN exports it (average, sampling ratio 2), regions partly outside
        for (String mode : List.of("half_pixel", "output_half_pixel")) {
            c.add(new Case("RoiAlign " + mode, 17, in("x", sh(2, 3, 8, 8)), b -> b.op("RoiAlign", new String[] {"x",
                b.floats("rois", new float[] {0.5f, 1.2f, 6.3f, 5.7f, 2.1f, 0.2f, 9.6f, 7.6f, -1.7f, -0.5f, 3f,
                    2.5f, 3.3f, 3.1f, 3.6f, 3.5f}, 4, 4), b.longs("batch", 0, 1, 0, 1)}, i("output_height", 3),
                i("output_width", 2), i("sampling_ratio", 2), f("spatial_scale", 0.9f),
                s("coordinate_transformation_mode", mode)), 0));
        }
        return c;
    }

    /** The positions where {@code mask} is non-zero, as NonZero finds them at run time (a 1-d int64 tensor). */
    private static String kept(OnnxModelBuilder b, float... mask) {
        String m = b.floats("mask_" + mask.length + "_" + java.util.Arrays.hashCode(mask), mask, mask.length);
        return b.op("Squeeze", new String[] {b.op("NonZero", new String[] {m}), b.longs("axis0_" + m, 0)});
    }

    @TestFactory
    Stream<DynamicTest> everyRuleMatchesFiniteDifferences() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 1;
        for (Case c : cases()) {
            long s = seed++;
            tests.add(DynamicTest.dynamicTest(c.name() + " (opset " + c.opset() + ")", () -> {
                OnnxModelBuilder b = new OnnxModelBuilder(c.opset(), s);
                Random r = new Random(s * 31);
                Map<String, Tensor> feeds = new LinkedHashMap<>();
                c.inputs().forEach((name, shape) -> {
                    long[] dims = java.util.Arrays.stream(shape).asLongStream().toArray();
                    b.input(name, dims);
                    feeds.put(name, GradientCheck.random(r, 1f, c.offset(), shape));
                });
                String y = c.body().apply(b);
                b.output(y);
                GradientCheck.check(b.build(), feeds, s);
            }));
        }
        return tests.stream();
    }
}
