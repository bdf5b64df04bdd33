package org.cam4j.targets;

import java.util.List;
import org.cam4j.detection.Boxes;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.PostProcessing;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * The reference's {@code FasterRCNNBoxScoreTarget} on a detector's raw outputs: the output is post-processed into
 * detections, and for each reference box the detection with the highest IoU counts, when that IoU is above the
 * threshold and its class is the reference's, as IoU + score:
 * score = sum over references r of [IoU(r, d*) > t and label(d*) = label(r)] (IoU(r, d*) + score(d*)),
 * d* = argmax over detections d of IoU(r, d). Zero when nothing is detected. Its gradient flows through the
 * matched anchors' boxes (the IoU) and confidences.
 *
 * @param boxes reference boxes as corners in the model output's units
 * @param labels their classes
 */
public record BoxScoreTarget(DetectionLayout layout, PostProcessing postProcessing, List<double[]> boxes,
                             int[] labels, double iouThreshold) implements Target {
    /** Refuses as many boxes as labels differ; copies the boxes. */
    public BoxScoreTarget {
        if (boxes.size() != labels.length) {
            throw new InvalidInputException("got " + boxes.size() + " boxes and " + labels.length + " labels");
        }
        boxes = List.copyOf(boxes);
    }

    @Override
    public double score(Tensor output) {
        double total = 0;
        List<Detection> detections = postProcessing.detect(output, layout);
        for (int r = 0; r < boxes.size(); r++) {
            Detection d = match(detections, r);
            if (d != null) {
                total += Boxes.iou(boxes.get(r), d.box()) + d.score();
            }
        }
        return total;
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor seed = Tensor.zeros(output.shape());
        List<Detection> detections = postProcessing.detect(output, layout);
        for (int r = 0; r < boxes.size(); r++) {
            Detection d = match(detections, r);
            if (d != null) {
                layout.addBoxGradient(output, d.anchor(), Boxes.iouGradient(d.box(), boxes.get(r)), seed);
                layout.addScoreGradient(output, d.anchor(), d.label(), 1.0, seed);
            }
        }
        return seed;
    }

    /**
     * Why each reference box that counts nothing in this output does not match: no detection at all, its best
     * overlap under the threshold, or its best overlap of another class. Empty when every reference matches.
     *
     * @param output one image's output, without the batch axis
     * @return one reason per unmatched reference box
     */
    public List<String> unmatched(Tensor output) {
        List<Detection> detections = postProcessing.detect(output, layout);
        List<String> reasons = new java.util.ArrayList<>();
        for (int r = 0; r < boxes.size(); r++) {
            if (match(detections, r) != null) {
                continue;
            }
            double[] b = boxes.get(r);
            String ref = String.format(java.util.Locale.ROOT, "%d@%s,%s,%s,%s", labels[r], (float) b[0], (float) b[1],
                    (float) b[2], (float) b[3]);
            Detection best = null;
            double bestIou = -1;
            for (Detection d : detections) {
                double iou = Boxes.iou(b, d.box());
                if (iou > bestIou) {
                    best = d;
                    bestIou = iou;
                }
            }
            reasons.add(best == null ? ref + " has no detection to match"
                    : bestIou <= iouThreshold ? String.format(java.util.Locale.ROOT, "%s overlaps no detection above"
                    + " IoU %.2f (best %.2f)", ref, iouThreshold, bestIou)
                    : String.format(java.util.Locale.ROOT, "%s overlaps most (IoU %.2f) a detection of class %d, not"
                    + " %d", ref, bestIou, best.label(), labels[r]));
        }
        return reasons;
    }

    /** The detection of highest IoU with reference r, when it passes the threshold and has r's class. */
    private Detection match(List<Detection> detections, int r) {
        Detection best = null;
        double bestIou = -1;
        for (Detection d : detections) {
            double iou = Boxes.iou(boxes.get(r), d.box());
            if (iou > bestIou) {
                best = d;
                bestIou = iou;
            }
        }
        return best != null && bestIou > iouThreshold && best.label() == labels[r] ? best : null;
    }
}
