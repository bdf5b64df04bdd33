package org.cam4j.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Host-side detection post-processing: candidates above a score threshold, class-wise hard non-maximum suppression,
 * the {@code topK} best overall (torchvision's detectors did all that themselves: their rows are read as they are).
 * SSD layouts take every class above the threshold per anchor (the UltraFace
 * repository's loop over classes); YOLO layouts take each anchor's best class (Ultralytics' default).
 *
 * @param scoreThreshold keep confidences strictly above this
 * @param iouThreshold suppress a box whose IoU with a kept box of the same class is above this
 * @param topK keep at most this many detections, 0 for all
 */
public record PostProcessing(double scoreThreshold, double iouThreshold, int topK) {
    /** Refuses an IoU threshold outside [0, 1] and a negative top-k. */
    public PostProcessing {
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("the IoU threshold must be in [0, 1], got " + iouThreshold);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
    }

    /**
     * The detections of one image's output, best first.
     *
     * @param out one image's output, without the batch axis
     * @param layout how it reads
     * @return the detections kept
     */
    public List<Detection> detect(org.cam4j.tensor.Tensor out, DetectionLayout layout) {
        if (layout.kind() == DetectionLayout.Kind.TORCHVISION) {
            return alreadySuppressed(out, layout);
        }
        int anchors = layout.anchors(out);
        int classes = layout.classes(out);
        List<Detection> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            if (layout.kind() == DetectionLayout.Kind.SSD) {
                for (int c = layout.firstLabel(); c < classes; c++) {
                    double s = layout.score(out, a, c);
                    if (s > scoreThreshold) {
                        candidates.add(new Detection(a, c, s, layout.box(out, a)));
                    }
                }
            } else {
                int best = 0;
                double bestScore = layout.score(out, a, 0);
                for (int c = 1; c < classes; c++) {
                    double s = layout.score(out, a, c);
                    if (s > bestScore) {
                        best = c;
                        bestScore = s;
                    }
                }
                if (bestScore > scoreThreshold) {
                    candidates.add(new Detection(a, best, bestScore, layout.box(out, a)));
                }
            }
        }
        return suppress(candidates);
    }

    /**
     * A torchvision detector's rows, which its own post-processing made: in the model's order (best first), those
     * above the score threshold, at most {@code topK}; no second suppression.
     */
    private List<Detection> alreadySuppressed(org.cam4j.tensor.Tensor out, DetectionLayout layout) {
        List<Detection> kept = new ArrayList<>();
        for (int r = 0; r < layout.anchors(out) && (topK == 0 || kept.size() < topK); r++) {
            int label = layout.rowLabel(out, r);
            double s = layout.score(out, r, label);
            if (s > scoreThreshold) {
                kept.add(new Detection(r, label, s, layout.box(out, r)));
            }
        }
        return kept;
    }

    /** Class-wise greedy hard NMS over candidates, best score first, then the top-k. */
    List<Detection> suppress(List<Detection> candidates) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed().thenComparingInt(Detection::anchor));
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.label() == d.label() && Boxes.iou(k.box(), d.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
                if (topK > 0 && kept.size() == topK) {
                    break;
                }
            }
        }
        return kept;
    }
}
