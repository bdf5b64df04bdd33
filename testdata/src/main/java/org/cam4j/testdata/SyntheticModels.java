package org.cam4j.testdata;

import static org.cam4j.testdata.OnnxModelBuilder.f;
import static org.cam4j.testdata.OnnxModelBuilder.i;
import static org.cam4j.testdata.OnnxModelBuilder.ints;
import static org.cam4j.testdata.OnnxModelBuilder.s;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Small deterministic models for the tests, generated from a seed: a CNN (conv, batch norm, ReLU, max pooling,
 * a residual add, global average pooling, a dense head) and a token model (patch embedding, class token,
 * LayerNormalization, single-head attention with Softmax, GELU MLP, head on the class token).
 */
public final class SyntheticModels {
    /** Name of the CNN's suggested target layer (the residual block's output, 8 x 8 x 8). */
    public static final String CNN_LAYER = "block_out";
    /** Name of the segmenter's suggested target layer (8 channels at 8 x 8, before its 1 x 1 classifier). */
    public static final String SEGMENTER_LAYER = "seg_features";
    /** Name of the token model's target layer (the LayerNormalization before attention, 1 + 4 x 4 tokens). */
    public static final String TOKEN_LAYER = "ln_1";

    private SyntheticModels() {
    }

    /** N x 3 x 16 x 16 input to N x 5 logits. */
    public static ModelProto cnn(long seed) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("input", -1, 3, 16, 16);
        String c1 = b.node("Conv", "conv1", new String[] {"input", b.random("conv1.w", 0.3f, 0, 8, 3, 3, 3),
                b.random("conv1.b", 0.1f, 0, 8)}, ints("pads", 1, 1, 1, 1));
        String bn = b.node("BatchNormalization", "bn1", new String[] {c1, b.uniform("bn1.scale", 0.75f, 1.25f, 8),
                b.random("bn1.bias", 0.1f, 0, 8), b.random("bn1.mean", 0.1f, 0, 8),
                b.uniform("bn1.var", 0.75f, 1.25f, 8)}, f("epsilon", 1e-5f));
        String r1 = b.node("Relu", "relu1", new String[] {bn});
        String p1 = b.node("MaxPool", "pool1", new String[] {r1}, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String c2 = b.node("Conv", "conv2", new String[] {p1, b.random("conv2.w", 0.2f, 0, 8, 8, 3, 3),
                b.random("conv2.b", 0.1f, 0, 8)}, ints("pads", 1, 1, 1, 1));
        String r2 = b.node("Relu", "relu2", new String[] {c2});
        String add = b.node("Add", "residual", new String[] {r2, p1});
        String out = b.node("Relu", CNN_LAYER, new String[] {add});
        String gap = b.node("GlobalAveragePool", "gap", new String[] {out});
        String flat = b.node("Flatten", "flatten", new String[] {gap}, i("axis", 1));
        b.node("Gemm", "logits", new String[] {flat, b.random("fc.w", 0.5f, 0, 5, 8), b.random("fc.b", 0.1f, 0, 5)},
                i("transB", 1));
        b.output("logits", -1, 5);
        return b.build();
    }

    /**
     * N x 3 x 16 x 16 input to N x 3 x 16 x 16 class logits: conv, ReLU, max pooling, conv
     * ({@link #SEGMENTER_LAYER}), a 1 x 1 classifier, and a bilinear Resize back to the input's size, its sizes
     * computed from the input's shape as torchvision's segmentation models export them (Shape, Slice, Cast to float,
     * Mul, Cast to int64, Concat): shape arithmetic in int64 and float that is no image data.
     */
    public static ModelProto segmenter(long seed) {
        return segmenter(seed, 3);
    }

    /** {@link #segmenter(long)} with {@code classes} output maps; one class gives a single map of logits. */
    public static ModelProto segmenter(long seed, int classes) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("input", -1, 3, 16, 16);
        String c1 = b.node("Conv", "seg_conv1", new String[] {"input", b.random("seg1.w", 0.3f, 0, 8, 3, 3, 3),
                b.random("seg1.b", 0.1f, 0, 8)}, ints("pads", 1, 1, 1, 1));
        String r1 = b.node("Relu", "seg_relu1", new String[] {c1});
        String p1 = b.node("MaxPool", "seg_pool", new String[] {r1}, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String c2 = b.node("Conv", "seg_conv2", new String[] {p1, b.random("seg2.w", 0.2f, 0, 8, 8, 3, 3),
                b.random("seg2.b", 0.1f, 0, 8)}, ints("pads", 1, 1, 1, 1));
        String features = b.node("Relu", SEGMENTER_LAYER, new String[] {c2});
        String low = b.node("Conv", "seg_classifier", new String[] {features, b.random("cls.w", 0.5f, 0, classes, 8, 1,
                1), b.random("cls.b", 0.1f, 0, classes)});
        String inputShape = b.node("Shape", "seg_input_shape", new String[] {"input"});
        String hw = b.node("Slice", "seg_hw", new String[] {inputShape, b.longs("seg_s2", 2), b.longs("seg_e4", 4)});
        String hwFloat = b.node("Cast", "seg_hw_float", new String[] {hw}, i("to", 1));
        String scaled = b.node("Mul", "seg_hw_scaled", new String[] {hwFloat, b.floats("seg_one", new float[] {1f})});
        String hwLong = b.node("Cast", "seg_hw_long", new String[] {scaled}, i("to", 7));
        String nc = b.node("Slice", "seg_nc", new String[] {b.node("Shape", "seg_low_shape", new String[] {low}),
                b.longs("seg_s0", 0), b.longs("seg_e2", 2)});
        String sizes = b.node("Concat", "seg_sizes", new String[] {nc, hwLong}, i("axis", 0));
        b.node("Resize", "logits", new String[] {low, "", "", sizes}, s("mode", "linear"),
                s("coordinate_transformation_mode", "half_pixel"));
        b.output("logits", -1, classes, 16, 16);
        return b.build();
    }

    /** N x 3 x 16 x 16 input (4 x 4 patches of 4 x 4) to N x 4 logits. */
    public static ModelProto tokens(long seed) {
        int dim = 8;
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("input", -1, 3, 16, 16);
        String patches = b.node("Conv", "patch_embed", new String[] {"input", b.random("pe.w", 0.2f, 0, dim, 3, 4, 4),
                b.random("pe.b", 0.1f, 0, dim)}, ints("strides", 4, 4));
        String seq = b.node("Reshape", "to_seq", new String[] {patches, b.longs("seq_shape", 0, dim, 16)});
        String tokens = b.node("Transpose", "tokens", new String[] {seq}, ints("perm", 0, 2, 1));
        String cls = b.node("Expand", "cls_expand", new String[] {b.random("cls", 0.1f, 0, 1, 1, dim),
                b.node("Concat", "cls_shape", new String[] {
                        b.node("Slice", "batch_dim", new String[] {b.node("Shape", "tok_shape", new String[] {tokens}),
                                b.longs("s0", 0), b.longs("e1", 1)}), b.longs("one_dim", 1, dim)}, i("axis", 0))});
        String x = b.node("Concat", "with_cls", new String[] {cls, tokens}, i("axis", 1));
        String x0 = b.node("Add", "pos", new String[] {x, b.random("pos_embed", 0.1f, 0, 1, 17, dim)});
        String ln = b.node("LayerNormalization", TOKEN_LAYER, new String[] {x0, b.uniform("ln1.g", 0.75f, 1.25f, dim),
                b.random("ln1.b", 0.05f, 0, dim)}, i("axis", -1), f("epsilon", 1e-6f));
        String q = b.node("MatMul", "q", new String[] {ln, b.random("wq", 0.3f, 0, dim, dim)});
        String k = b.node("MatMul", "k", new String[] {ln, b.random("wk", 0.3f, 0, dim, dim)});
        String v = b.node("MatMul", "v", new String[] {ln, b.random("wv", 0.3f, 0, dim, dim)});
        String kt = b.node("Transpose", "kt", new String[] {k}, ints("perm", 0, 2, 1));
        String scores = b.node("Div", "scores", new String[] {b.node("MatMul", "qk", new String[] {q, kt}),
                b.floats("sqrt_d", new float[] {(float) Math.sqrt(dim)})});
        String attn = b.node("Softmax", "attn", new String[] {scores}, i("axis", -1));
        String ctx = b.node("MatMul", "context", new String[] {attn, v});
        String x1 = b.node("Add", "res1", new String[] {x0, ctx});
        String ln2 = b.node("LayerNormalization", "ln_2", new String[] {x1, b.uniform("ln2.g", 0.75f, 1.25f, dim),
                b.random("ln2.b", 0.05f, 0, dim)}, i("axis", -1), f("epsilon", 1e-6f));
        String h = b.node("Add", "mlp_in", new String[] {b.node("MatMul", "mlp_mm", new String[] {ln2,
                b.random("w1", 0.3f, 0, dim, 16)}), b.random("b1", 0.1f, 0, 16)});
        String half = b.floats("half", new float[] {0.5f});
        String gelu = b.node("Mul", "gelu", new String[] {b.node("Mul", "gelu_x", new String[] {h, half}),
                b.node("Add", "gelu_1p", new String[] {b.floats("one", new float[] {1f}), b.node("Erf", "gelu_erf",
                        new String[] {b.node("Div", "gelu_scaled", new String[] {h,
                                b.floats("sqrt2", new float[] {(float) Math.sqrt(2)})})})})});
        String x2 = b.node("Add", "res2", new String[] {x1, b.node("MatMul", "mlp_out", new String[] {gelu,
                b.random("w2", 0.3f, 0, 16, dim)})});
        String clsTok = b.node("Gather", "cls_token", new String[] {x2, b.longScalar("idx0", 0)}, i("axis", 1));
        b.node("Gemm", "logits", new String[] {clsTok, b.random("head.w", 0.5f, 0, 4, dim),
                b.random("head.b", 0.1f, 0, 4)}, i("transB", 1));
        b.output("logits", -1, 4);
        return b.build();
    }
}
