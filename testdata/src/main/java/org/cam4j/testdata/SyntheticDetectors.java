package org.cam4j.testdata;

import static org.cam4j.testdata.OnnxModelBuilder.i;
import static org.cam4j.testdata.OnnxModelBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Small deterministic detectors in the two YOLO output layouts, generated from a seed: a conv backbone (32 x 32
 * input, stride-2 convs to an 8 x 8 level {@code p3} and a 4 x 4 level {@code p4}), a 1 x 1 conv head per level
 * (one anchor per cell, 2 classes), and in-graph decoding as the exports do: sigmoid, boxes in input pixels
 * (centre = (sigmoid + cell) x stride, size = sigmoid x 4 x stride), levels concatenated along the anchors.
 */
public final class SyntheticDetectors {
    /** The two pyramid levels, finest first. */
    public static final String P3 = "p3";
    public static final String P4 = "p4";
    public static final int CLASSES = 2;
    public static final int SIZE = 32;

    private SyntheticDetectors() {
    }

    /** YOLOv5 layout: N x 80 anchors x (4 box + objectness + 2 classes). */
    public static ModelProto yolov5(long seed) {
        return build(seed, true);
    }

    /** YOLOv8 layout: N x (4 box + 2 classes) x 80 anchors. */
    public static ModelProto yolov8(long seed) {
        return build(seed, false);
    }

    private static ModelProto build(long seed, boolean v5) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("images", -1, 3, SIZE, SIZE);
        String c1 = conv(b, "stem", "images", 3, 8, 2);
        String p3 = conv(b, P3, conv(b, "down1", c1, 8, 8, 2), 8, 8, 1);
        String p4 = conv(b, P4, p3, 8, 8, 2);
        int columns = 4 + (v5 ? 1 : 0) + CLASSES;
        String[] heads = {head(b, "head3", p3, columns, 8, 8, v5), head(b, "head4", p4, columns, 4, 4, v5)};
        String raw = b.node("Concat", "anchors", heads, i("axis", v5 ? 1 : 2));
        String sig = b.node("Sigmoid", "sigmoid", new String[] {raw});
        // box columns to pixels: centre (s + cell) * stride, size s * 4 * stride; scores stay probabilities
        int anchors = 64 + 16;
        float[] scale = new float[anchors * columns];
        float[] offset = new float[anchors * columns];
        for (int a = 0; a < anchors; a++) {
            int stride = a < 64 ? 4 : 8;
            int side = a < 64 ? 8 : 4;
            int cell = a < 64 ? a : a - 64;
            float[] cellXy = {cell % side, cell / side};
            for (int c = 0; c < columns; c++) {
                int at = v5 ? a * columns + c : c * anchors + a;
                scale[at] = c < 2 ? stride : c < 4 ? 4 * stride : 1;
                offset[at] = c < 2 ? cellXy[c] * stride : 0;
            }
        }
        long[] shape = v5 ? new long[] {1, anchors, columns} : new long[] {1, columns, anchors};
        String out = b.node("Add", "output0", new String[] {b.node("Mul", "to_pixels", new String[] {sig,
                b.floats("scale", scale, shape)}), b.floats("offset", offset, shape)});
        b.output(out, v5 ? new long[] {-1, anchors, columns} : new long[] {-1, columns, anchors});
        return b.build();
    }

    private static String conv(OnnxModelBuilder b, String name, String in, int cin, int cout, int stride) {
        String c = b.node("Conv", name + "_conv", new String[] {in, b.random(name + ".w", 0.15f, 0, cout, cin, 3, 3),
                b.random(name + ".b", 0.1f, 0.05f, cout)}, ints("pads", 1, 1, 1, 1), ints("strides", stride, stride));
        return b.node("Relu", name, new String[] {c});
    }

    /** 1 x 1 conv to the columns, then [N, cells, columns] (v5) or [N, columns, cells] (v8). */
    private static String head(OnnxModelBuilder b, String name, String level, int columns, int h, int w, boolean v5) {
        String c = b.node("Conv", name, new String[] {level, b.random(name + ".w", 0.3f, 0, columns, 8, 1, 1),
                b.random(name + ".b", 0.2f, 0, columns)});
        String flat = b.node("Reshape", name + "_flat", new String[] {c, b.longs(name + ".shape", 0, columns, h * w)});
        return v5 ? b.node("Transpose", name + "_rows", new String[] {flat}, ints("perm", 0, 2, 1)) : flat;
    }
}
