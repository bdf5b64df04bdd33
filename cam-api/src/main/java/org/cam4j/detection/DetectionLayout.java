package org.cam4j.detection;

import java.util.Locale;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * Where a detector puts boxes and scores in one image's output, and the derivatives of both with respect to it.
 *
 * <ul>
 *   <li>{@code SSD}: anchors x (4 + K), the box then one score per class, class 0 the background (UltraFace,
 *       torchvision's SSD). A model with separate {@code boxes} and {@code scores} outputs is explained through
 *       their concatenation along the last axis, in that order.</li>
 *   <li>{@code YOLOV5}: anchors x (5 + K), the box, objectness, class scores; confidence = objectness x class.</li>
 *   <li>{@code YOLOV8}: (4 + K) x anchors (YOLOv8 and YOLO11), the box then class scores, no objectness.</li>
 *   <li>{@code TORCHVISION}: detections x 6 after the model's own post-processing and NMS (torchvision's Faster
 *       R-CNN, RetinaNet, SSD and SSDlite as {@code torch.onnx} exports them): the box (x1, y1, x2, y2 in input
 *       pixels), the score, the class label, from its {@code boxes}, {@code scores} and {@code labels} outputs
 *       joined in that order. The number of rows changes from image to image; each row has one class.</li>
 * </ul>
 *
 * <p>With {@code logits} the class columns hold the logits of a softmax the model applies after them (UltraFace's
 * {@code scores} come from a Softmax): confidences are the softmax of the row, computed here, and the evidence a
 * per-detection CAM explains is the log-odds of the class, l_c - log sum_{j != c} exp(l_j), which does not saturate
 * as a probability near 1 does (its float32 gradient is exactly zero there).
 *
 * @param format how the four box values read
 * @param normalized whether boxes are in [0, 1] of the input size (else in input pixels)
 * @param logits whether the class columns are pre-softmax logits (SSD only)
 */
public record DetectionLayout(Kind kind, BoxFormat format, boolean normalized, boolean logits) {
    /**
     * A layout reading class probabilities (no logits).
     *
     * @param kind the detector family
     * @param format how the four box values read
     * @param normalized whether boxes are in [0, 1] of the input size
     */
    public DetectionLayout(Kind kind, BoxFormat format, boolean normalized) {
        this(kind, format, normalized, false);
    }

    /** Refuses logits for any layout but SSD's. */
    public DetectionLayout {
        if (logits && kind != Kind.SSD) {
            throw new InvalidInputException("only the ssd layout reads softmax logits");
        }
    }

    /**
     * The same layout reading the logits before the model's softmax.
     *
     * @return the layout with {@code logits} set
     */
    public DetectionLayout withLogits() {
        return new DetectionLayout(kind, format, normalized, true);
    }

    /** The detector families whose outputs cam4j reads. */
    public enum Kind {
        /** Anchors x (4 box + classes), class 0 the background (UltraFace). */
        SSD,
        /** Anchors x (4 box + objectness + classes). */
        YOLOV5,
        /** (4 box + classes) x anchors (YOLOv8, YOLO11). */
        YOLOV8,
        /** Post-processed detections x (4 box + score + label) (torchvision's detectors). */
        TORCHVISION
    }

    /**
     * The layout's usual box format: corners, normalised for SSD; centre and size in pixels for YOLO; corners in
     * pixels for torchvision.
     *
     * @param kind the detector family
     * @return its layout
     */
    public static DetectionLayout of(Kind kind) {
        return switch (kind) {
            case SSD -> new DetectionLayout(kind, BoxFormat.XYXY, true, false);
            case TORCHVISION -> new DetectionLayout(kind, BoxFormat.XYXY, false, false);
            default -> new DetectionLayout(kind, BoxFormat.CXCYWH, false, false);
        };
    }

    /**
     * A layout by name with optional box format and units: {@code ssd}, {@code yolov5}, {@code yolov8},
     * {@code yolov8,xyxy}, {@code ssd,xyxy,pixels}.
     *
     * @param spec the layout's name, then optional box format, units and {@code logits}, comma-separated
     * @return the layout; an unknown name is refused with the known ones
     */
    public static DetectionLayout parse(String spec) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split("[,/]");
        Kind kind = switch (parts[0].trim()) {
            case "ssd" -> Kind.SSD;
            case "yolov5", "yolov7" -> Kind.YOLOV5;
            case "yolov8", "yolo11", "yolov11" -> Kind.YOLOV8;
            case "torchvision" -> Kind.TORCHVISION;
            default -> throw new InvalidInputException("unknown detection layout '" + parts[0] + "'; use ssd,"
                    + " yolov5, yolov8 (optionally followed by ,xyxy|xywh|cxcywh and ,normalized|pixels) or"
                    + " torchvision");
        };
        DetectionLayout layout = of(kind);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.equals("normalized") || p.equals("normalised")) {
                layout = new DetectionLayout(kind, layout.format, true, layout.logits);
            } else if (p.equals("pixels")) {
                layout = new DetectionLayout(kind, layout.format, false, layout.logits);
            } else if (p.equals("logits")) {
                layout = layout.withLogits();
            } else {
                layout = new DetectionLayout(kind, BoxFormat.parse(p), layout.normalized, layout.logits);
            }
        }
        return layout;
    }

    /**
     * The layout as {@link #parse} reads it.
     *
     * @return the spec
     */
    public String spec() {
        return kind.name().toLowerCase(Locale.ROOT) + "," + format.name().toLowerCase(Locale.ROOT) + ","
                + (normalized ? "normalized" : "pixels") + (logits ? ",logits" : "");
    }

    /** Column of the first class score (torchvision: of the one score). */
    private int firstClassColumn() {
        return kind == Kind.YOLOV5 ? 5 : 4;
    }

    /** Torchvision's label column, after the box and the score. */
    private static final int LABEL_COLUMN = 5;

    /**
     * The first class that is an object (SSD's class 0 is the background).
     *
     * @return 1 for SSD, else 0
     */
    public int firstLabel() {
        return kind == Kind.SSD ? 1 : 0;
    }

    /**
     * The class of one row of a torchvision layout's output.
     *
     * @param out one image's output, without the batch axis
     * @param row the detection
     * @return its class
     */
    public int rowLabel(Tensor out, int row) {
        return (int) Math.round(out.at(index(out, row, LABEL_COLUMN)));
    }

    /**
     * Number of anchors (rows; torchvision: detections) in one image's output.
     *
     * @param out one image's output, without the batch axis
     * @return the count
     */
    public int anchors(Tensor out) {
        check(out);
        return kind == Kind.YOLOV8 ? out.dim(1) : out.dim(0);
    }

    /**
     * Number of classes, background included for SSD; for torchvision one more than the largest label among the
     * rows (its classes are values, not columns).
     *
     * @param out one image's output, without the batch axis
     * @return the count
     */
    public int classes(Tensor out) {
        check(out);
        if (kind == Kind.TORCHVISION) {
            int classes = 1;
            for (int r = 0; r < out.dim(0); r++) {
                classes = Math.max(classes, rowLabel(out, r) + 1);
            }
            return classes;
        }
        return (kind == Kind.YOLOV8 ? out.dim(0) : out.dim(1)) - firstClassColumn();
    }

    private void check(Tensor out) {
        int columns = out.rank() != 2 ? -1 : kind == Kind.YOLOV8 ? out.dim(0) : out.dim(1);
        boolean fits = kind == Kind.TORCHVISION ? columns == LABEL_COLUMN + 1 : columns > firstClassColumn();
        if (!fits) {
            throw new InvalidInputException("the " + kind.name().toLowerCase(Locale.ROOT) + " layout needs "
                    + switch (kind) {
                        case YOLOV8 -> "(4 + classes) x anchors";
                        case TORCHVISION -> "detections x (4 box + score + label)";
                        default -> "anchors x (" + firstClassColumn() + " + classes)";
                    } + " per image, got " + java.util.Arrays.toString(out.shape())
                    + "; choose the layout that fits").naming("layout");
        }
    }

    /** Flat index of one anchor's column. */
    private int index(Tensor out, int anchor, int column) {
        return kind == Kind.YOLOV8 ? column * out.dim(1) + anchor : anchor * out.dim(1) + column;
    }

    /**
     * One anchor's box as corners, in the output's own units.
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @return x1, y1, x2, y2
     */
    public double[] box(Tensor out, int anchor) {
        return format.toCorners(out.at(index(out, anchor, 0)), out.at(index(out, anchor, 1)),
                out.at(index(out, anchor, 2)), out.at(index(out, anchor, 3)));
    }

    /**
     * One anchor's confidence for one class (YOLOv5: objectness x class score; logits: the row's softmax).
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @param label the class
     * @return the confidence
     */
    public double score(Tensor out, int anchor, int label) {
        if (logits) {
            return Math.exp(logit(out, anchor, label) - logSumExp(out, anchor, -1));
        }
        if (kind == Kind.TORCHVISION) {
            return rowLabel(out, anchor) == label ? out.at(index(out, anchor, firstClassColumn())) : 0;
        }
        double s = out.at(index(out, anchor, firstClassColumn() + label));
        return kind == Kind.YOLOV5 ? s * out.at(index(out, anchor, 4)) : s;
    }

    /**
     * Whether {@link #score} is linear in the output and its seed known without running the model (neither YOLOv5's
     * product nor a softmax, nor torchvision's rows, whose number and classes the run decides).
     *
     * @return whether it is
     */
    public boolean scoreIsLinear() {
        return kind != Kind.YOLOV5 && kind != Kind.TORCHVISION && !logits;
    }

    /**
     * Adds {@code weight} d score(anchor, label) / d out to {@code seed}.
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @param label the class
     * @param weight the factor of this score in the target
     * @param seed the gradient being summed, shaped like {@code out}
     */
    public void addScoreGradient(Tensor out, int anchor, int label, double weight, Tensor seed) {
        if (kind == Kind.TORCHVISION) {
            if (rowLabel(out, anchor) == label) {
                int score = index(out, anchor, firstClassColumn());
                seed.put(score, (float) (seed.at(score) + weight));
            }
            return;
        }
        int cls = index(out, anchor, firstClassColumn() + label);
        if (logits) {
            // d p_c / d l_j = p_c (delta_cj - p_j); the row's log-sum-exp once, not once per class
            double all = logSumExp(out, anchor, -1);
            double pc = Math.exp(logit(out, anchor, label) - all);
            for (int j = 0; j < classes(out); j++) {
                int i = index(out, anchor, firstClassColumn() + j);
                double pj = Math.exp(logit(out, anchor, j) - all);
                seed.put(i, (float) (seed.at(i) + weight * pc * ((j == label ? 1 : 0) - pj)));
            }
        } else if (kind == Kind.YOLOV5) {
            int obj = index(out, anchor, 4);
            seed.put(cls, (float) (seed.at(cls) + weight * out.at(obj)));
            seed.put(obj, (float) (seed.at(obj) + weight * out.at(cls)));
        } else {
            seed.put(cls, (float) (seed.at(cls) + weight));
        }
    }

    /**
     * The evidence for one class that a per-detection CAM explains: the confidence, or with logits the log-odds
     * l_c - log sum_{j != c} exp(l_j).
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @param label the class
     * @return the evidence
     */
    public double evidence(Tensor out, int anchor, int label) {
        return logits ? logit(out, anchor, label) - logSumExp(out, anchor, label) : score(out, anchor, label);
    }

    /**
     * Whether {@link #evidence} is linear in the output.
     *
     * @return whether it is
     */
    public boolean evidenceIsLinear() {
        return scoreIsLinear();
    }

    /**
     * Adds {@code weight} d evidence(anchor, label) / d out to {@code seed}.
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @param label the class
     * @param weight the factor of this evidence in the target
     * @param seed the gradient being summed, shaped like {@code out}
     */
    public void addEvidenceGradient(Tensor out, int anchor, int label, double weight, Tensor seed) {
        if (!logits) {
            addScoreGradient(out, anchor, label, weight, seed);
            return;
        }
        double others = logSumExp(out, anchor, label);
        for (int j = 0; j < classes(out); j++) {
            int i = index(out, anchor, firstClassColumn() + j);
            double d = j == label ? 1 : -Math.exp(logit(out, anchor, j) - others);
            seed.put(i, (float) (seed.at(i) + weight * d));
        }
    }

    private double logit(Tensor out, int anchor, int label) {
        return out.at(index(out, anchor, firstClassColumn() + label));
    }

    /** log sum over the classes but {@code skip} of exp(logit). */
    private double logSumExp(Tensor out, int anchor, int skip) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes(out); j++) {
            if (j != skip) {
                max = Math.max(max, logit(out, anchor, j));
            }
        }
        double sum = 0;
        for (int j = 0; j < classes(out); j++) {
            if (j != skip) {
                sum += Math.exp(logit(out, anchor, j) - max);
            }
        }
        return max + Math.log(sum);
    }

    /**
     * Adds the gradient of a function of one anchor's corners, given d f / d corners, to {@code seed}.
     *
     * @param out one image's output, without the batch axis
     * @param anchor the anchor (row; torchvision: the detection)
     * @param dCorners d f / d (x1, y1, x2, y2)
     * @param seed the gradient being summed, shaped like {@code out}
     */
    public void addBoxGradient(Tensor out, int anchor, double[] dCorners, Tensor seed) {
        double[] raw = format.cornerGradientToRaw(dCorners);
        for (int k = 0; k < 4; k++) {
            int i = index(out, anchor, k);
            seed.put(i, (float) (seed.at(i) + raw[k]));
        }
    }

    /**
     * Corners in the output's units to input pixels (x times width, y times height when normalised).
     *
     * @param corners x1, y1, x2, y2 in the output's units
     * @param inputWidth the model input's width
     * @param inputHeight the model input's height
     * @return the corners in input pixels
     */
    public double[] toInputPixels(double[] corners, int inputWidth, int inputHeight) {
        if (!normalized) {
            return corners.clone();
        }
        return new double[] {corners[0] * inputWidth, corners[1] * inputHeight, corners[2] * inputWidth,
            corners[3] * inputHeight};
    }

    /**
     * Corners in input pixels to the output's units.
     *
     * @param corners x1, y1, x2, y2 in input pixels
     * @param inputWidth the model input's width
     * @param inputHeight the model input's height
     * @return the corners in the output's units
     */
    public double[] fromInputPixels(double[] corners, int inputWidth, int inputHeight) {
        if (!normalized) {
            return corners.clone();
        }
        return new double[] {corners[0] / inputWidth, corners[1] / inputHeight, corners[2] / inputWidth,
            corners[3] / inputHeight};
    }
}
