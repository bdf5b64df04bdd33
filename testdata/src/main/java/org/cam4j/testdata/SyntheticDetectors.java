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

    /** Classes of the torchvision-style detector, class 0 the background. */
    public static final int TORCHVISION_CLASSES = 3;

    /**
     * A detector as {@code torch.onnx} exports torchvision's: one unbatched 3 x 32 x 32 image in; a conv backbone to
     * the 8 x 8 level {@code p3}; a 1 x 1 conv head (one anchor per cell: 4 box values, 3 class logits with class 0
     * the background); boxes around each cell (x1 = cx - 8 s0, y1 = cy - 8 s1, x2 = cx + 8 s2, y2 = cy + 8 s3, s the
     * sigmoids); then torchvision's post-processing in the graph: per class the anchors above 0.2 (NonZero, Gather),
     * the best 10 (TopK), joined over classes, NonMaxSuppression at IoU 0.5; outputs {@code boxes} [K, 4],
     * {@code scores} [K], {@code labels} [K] (int64).
     */
    public static ModelProto torchvision(long seed) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("images", 3, SIZE, SIZE);
        String batch = b.node("Unsqueeze", "batched", new String[] {"images", b.longs("axis0", 0)});
        String p3 = conv(b, P3, conv(b, "stem", batch, 3, 8, 2), 8, 8, 2);
        int columns = 4 + TORCHVISION_CLASSES;
        String head = b.node("Conv", "head", new String[] {p3, b.random("head.w", 0.5f, 0, columns, 8, 1, 1),
            b.random("head.b", 0.3f, 0, columns)});
        String rows = b.node("Squeeze", "rows", new String[] {b.node("Transpose", "rows_t", new String[] {
            b.node("Reshape", "head_flat", new String[] {head, b.longs("head.shape", 1, columns, 64)})},
            ints("perm", 0, 2, 1)), b.longs("rows.axis", 0)});
        float[] sign = new float[64 * 4];
        float[] centre = new float[64 * 4];
        for (int a = 0; a < 64; a++) {
            float cx = (a % 8 + 0.5f) * 4;
            float cy = (a / 8 + 0.5f) * 4;
            float[] c = {cx, cy, cx, cy};
            for (int k = 0; k < 4; k++) {
                sign[a * 4 + k] = k < 2 ? -8 : 8;
                centre[a * 4 + k] = c[k];
            }
        }
        String boxes = b.node("Add", "anchor_boxes", new String[] {b.node("Mul", "box_sizes", new String[] {
            b.node("Sigmoid", "box_sig", new String[] {b.node("Slice", "box_raw", new String[] {rows,
                b.longs("box.start", 0), b.longs("box.end", 4), b.longs("box.axes", 1)})}),
            b.floats("box.sign", sign, 64, 4)}), b.floats("box.centre", centre, 64, 4)});
        String probabilities = b.node("Softmax", "class_prob", new String[] {b.node("Slice", "class_raw",
            new String[] {rows, b.longs("cls.start", 4), b.longs("cls.end", columns), b.longs("cls.axes", 1)})},
            i("axis", 1));
        String[] classBoxes = new String[TORCHVISION_CLASSES - 1];
        String[] classScores = new String[TORCHVISION_CLASSES - 1];
        String[] classLabels = new String[TORCHVISION_CLASSES - 1];
        for (int c = 1; c < TORCHVISION_CLASSES; c++) {
            String p = "c" + c + "_";
            String score = b.node("Gather", p + "score", new String[] {probabilities, b.longScalar(p + "index", c)},
                    i("axis", 1));
            String kept = b.node("Squeeze", p + "kept", new String[] {b.node("NonZero", p + "nonzero", new String[] {
                b.node("Greater", p + "above", new String[] {score, b.floats(p + "threshold", new float[] {0.2f})})}),
                b.longs(p + "kept.axis", 0)});
            String keptScores = b.node("Gather", p + "kept_scores", new String[] {score, kept});
            String keptBoxes = b.node("Gather", p + "kept_boxes", new String[] {boxes, kept}, i("axis", 0));
            String k = b.node("Min", p + "k", new String[] {b.node("Shape", p + "count", new String[] {keptScores}),
                b.longs(p + "at_most", 10)});
            b.multi("TopK", new String[] {keptScores, k}, new String[] {p + "top", p + "top_index"}, i("axis", 0));
            classScores[c - 1] = p + "top";
            classBoxes[c - 1] = b.node("Gather", p + "top_boxes", new String[] {keptBoxes, p + "top_index"},
                    i("axis", 0));
            classLabels[c - 1] = b.node("Add", p + "labels", new String[] {b.node("Mul", p + "zeros", new String[] {
                p + "top_index", b.longs(p + "zero", 0)}), b.longs(p + "label", c)});
        }
        String allBoxes = b.node("Concat", "all_boxes", classBoxes, i("axis", 0));
        String allScores = b.node("Concat", "all_scores", classScores, i("axis", 0));
        String allLabels = b.node("Concat", "all_labels", classLabels, i("axis", 0));
        // one NMS over every class, each class's boxes shifted apart (torchvision's batched_nms)
        String shifted = b.node("Add", "nms_boxes", new String[] {allBoxes, b.node("Mul", "class_offset",
            new String[] {b.node("Unsqueeze", "label_column", new String[] {b.node("Cast", "label_float",
                new String[] {allLabels}, i("to", 1)), b.longs("column.axis", 1)}), b.floats("offset",
                new float[] {100f})})});
        String selected = b.node("NonMaxSuppression", "nms", new String[] {
            b.node("Unsqueeze", "nms_batch", new String[] {shifted, b.longs("nms.axis", 0)}),
            b.node("Unsqueeze", "nms_scores", new String[] {allScores, b.longs("nms.saxes", 0, 1)}),
            b.longs("nms.max", 100), b.floats("nms.iou", new float[] {0.5f}), b.floats("nms.score", new float[] {0f})});
        String keep = b.node("Squeeze", "keep", new String[] {b.node("Slice", "keep_column", new String[] {selected,
            b.longs("keep.start", 2), b.longs("keep.end", 3), b.longs("keep.axes", 1)}), b.longs("keep.axis", 1)});
        b.output(b.node("Gather", "boxes", new String[] {allBoxes, keep}, i("axis", 0)), -1, 4);
        b.output(b.node("Gather", "scores", new String[] {allScores, keep}, i("axis", 0)), -1);
        b.longOutput(b.node("Gather", "labels", new String[] {allLabels, keep}, i("axis", 0)), -1);
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
