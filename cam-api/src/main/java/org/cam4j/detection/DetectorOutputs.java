package org.cam4j.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.errors.InvalidInputException;

/**
 * Which outputs of a detector to explain and how they read: recognised from the output shapes, or from the
 * layout the user names. Two outputs of rank 3 that differ only in the last axis, one of them 4 wide, are SSD
 * boxes and scores (explained joined, boxes first); {@code boxes} [N, K, 4], {@code scores} [N, K] and
 * {@code labels} [N, K] are torchvision's post-processed detections (joined as K x 6 rows); one output
 * [N, A, 5 + K] with more anchors than columns is YOLOv5's; [N, 4 + K, A] is YOLOv8's.
 *
 * @param outputs the outputs to explain, joined along the last axis when there are several
 */
public record DetectorOutputs(DetectionLayout layout, List<String> outputs) {
    /**
     * @param layout {@code auto} (or null) to recognise the layout, else a {@link DetectionLayout#parse} spec
     */
    public static DetectorOutputs choose(List<TensorInfo> available, String layout) {
        boolean auto = layout == null || layout.equalsIgnoreCase("auto");
        DetectionLayout named = auto ? null : DetectionLayout.parse(layout);
        List<String> torchvision = torchvisionOutputs(available);
        if (torchvision != null && (auto || named.kind() == DetectionLayout.Kind.TORCHVISION)) {
            return new DetectorOutputs(auto ? DetectionLayout.of(DetectionLayout.Kind.TORCHVISION) : named,
                    torchvision);
        }
        if (!auto && named.kind() == DetectionLayout.Kind.TORCHVISION) {
            throw new InvalidInputException(describe(available) + " do not fit the torchvision layout, which needs"
                    + " boxes [K, 4], scores [K] and labels [K] outputs; check the layout").naming("layout");
        }
        List<String> ssd = boxesAndScores(available);
        if (auto ? ssd != null : named.kind() == DetectionLayout.Kind.SSD && ssd != null) {
            return new DetectorOutputs(auto ? DetectionLayout.of(DetectionLayout.Kind.SSD) : named, ssd);
        }
        TensorInfo first = available.get(0);
        long[] s = first.shape();
        if (!auto) {
            if (!plausible(named.kind(), s)) {
                throw new InvalidInputException(describe(available) + " do not fit the " + layout + " layout,"
                        + " which needs " + (named.kind() == DetectionLayout.Kind.SSD ? "boxes [N, A, 4] and scores"
                        + " [N, A, K] outputs" : "one [N, anchors, columns] output") + "; check the layout")
                        .naming("layout");
            }
            return new DetectorOutputs(named, List.of(first.name()));
        }
        for (DetectionLayout.Kind kind : List.of(DetectionLayout.Kind.YOLOV8, DetectionLayout.Kind.YOLOV5)) {
            if (plausible(kind, s)) {
                return new DetectorOutputs(DetectionLayout.of(kind), List.of(first.name()));
            }
        }
        throw new InvalidInputException(describe(available) + " do not look like a detector's (SSD boxes and"
                + " scores, YOLOv5 [N, anchors, 5 + classes] or YOLOv8 [N, 4 + classes, anchors]); name the layout"
                + " (layout: ssd, yolov5 or yolov8), or explain the model as a classifier").naming("layout");
    }

    /** The layout recognised from the output shapes, or empty when the outputs are not a detector's. */
    public static java.util.Optional<DetectorOutputs> recognise(List<TensorInfo> available) {
        try {
            return java.util.Optional.of(choose(available, "auto"));
        } catch (IllegalArgumentException notADetector) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The names of torchvision's post-processed {@code boxes} [N, K, 4], {@code scores} [N, K] and {@code labels}
     * [N, K] outputs (N = 1 for a model of one image), in the order they are joined, or null.
     */
    private static List<String> torchvisionOutputs(List<TensorInfo> available) {
        TensorInfo boxes = named(available, "box", 3);
        TensorInfo scores = named(available, "score", 2);
        TensorInfo labels = named(available, "label", 2);
        if (boxes == null || scores == null || labels == null || boxes.shape()[2] != 4) {
            return null;
        }
        return List.of(boxes.name(), scores.name(), labels.name());
    }

    /** The one output of this rank whose name contains {@code word}, or null. */
    private static TensorInfo named(List<TensorInfo> available, String word, int rank) {
        List<TensorInfo> found = available.stream().filter(t -> t.shape().length == rank
                && t.name().toLowerCase(Locale.ROOT).contains(word)).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    /** The names of SSD box and score outputs, or null. */
    private static List<String> boxesAndScores(List<TensorInfo> available) {
        List<TensorInfo> boxes = new ArrayList<>();
        for (TensorInfo t : available) {
            if (t.shape().length == 3 && t.shape()[2] == 4) {
                boxes.add(t);
            }
        }
        boxes.sort((a, b) -> Boolean.compare(!a.name().toLowerCase(Locale.ROOT).contains("box"),
                !b.name().toLowerCase(Locale.ROOT).contains("box")));
        for (TensorInfo b : boxes) {
            for (TensorInfo t : available) {
                if (t != b && t.shape().length == 3 && t.shape()[1] == b.shape()[1] && t.shape()[2] > 1) {
                    return List.of(b.name(), t.name());
                }
            }
        }
        return null;
    }

    /**
     * Whether one output of this shape can be the layout: more anchors than columns, and room for a box, the
     * objectness where there is one, and a class. Unknown (-1) anchor counts pass.
     */
    private static boolean plausible(DetectionLayout.Kind kind, long[] s) {
        if (s.length != 3) {
            return false;
        }
        long columns = kind == DetectionLayout.Kind.YOLOV8 ? s[1] : s[2];
        long anchors = kind == DetectionLayout.Kind.YOLOV8 ? s[2] : s[1];
        int fixed = kind == DetectionLayout.Kind.YOLOV5 ? 5 : 4;
        return columns > fixed && (anchors < 0 || anchors > columns);
    }

    private static String describe(List<TensorInfo> available) {
        return "model outputs " + String.join(", ", available.stream()
                .map(t -> "'" + t.name() + "' " + Arrays.toString(t.shape())).toList());
    }
}
