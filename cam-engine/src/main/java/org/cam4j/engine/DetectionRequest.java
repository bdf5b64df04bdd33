package org.cam4j.engine;

import java.util.List;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;

/**
 * A detection task as every door asks for it, its words mapped ({@code cam detect}'s flags, a batch YAML's
 * {@code detection} section, a {@code cam serve} request's options, the Java builder): the output layout, the
 * post-processing, letterboxing, one map per detection, renormalisation inside the boxes. Defaults and checks are
 * here once; each door names the fields in its own words ({@link FieldNames}).
 *
 * @param layout the layout spec ({@code auto}: recognised from the output shapes)
 * @param postProcessing the score threshold, NMS IoU and top-k
 * @param letterbox letterbox the photo (null: for the YOLO layouts, whose exports expect it)
 * @param perBox one map per detection for the methods that read the target
 * @param renormalize each map scaled inside its boxes and zeroed outside
 */
public record DetectionRequest(String layout, PostProcessing postProcessing, Boolean letterbox, boolean perBox,
                               boolean renormalize) {
    /** The default layout: recognised from the output shapes. */
    public static final String AUTO = "auto";

    /**
     * A request from a door's values, null for a default (layout auto, score 0.5, IoU 0.45, 100 detections, no per-box
     * maps, no renormalisation), each checked and named as the door names it.
     *
     * @param layout the layout spec, or null
     * @param scoreThreshold the least score kept, in [0, 1], or null
     * @param iou the NMS overlap threshold, in [0, 1], or null
     * @param topK the most detections per photo, 0 for all, or null
     * @param letterbox letterboxing, or null for the layout's
     * @param perBox one map per detection, or null (no)
     * @param renormalize renormalisation inside the boxes, or null (no)
     * @param names how the door names the fields
     * @return the checked request
     */
    public static DetectionRequest of(String layout, Double scoreThreshold, Double iou, Integer topK,
                                      Boolean letterbox, Boolean perBox, Boolean renormalize, FieldNames names) {
        double score = scoreThreshold == null ? Double.parseDouble(ImageDetector.DEFAULT_SCORE_THRESHOLD)
                : scoreThreshold;
        double overlap = iou == null ? Double.parseDouble(ImageDetector.DEFAULT_IOU) : iou;
        int most = topK == null ? Integer.parseInt(ImageDetector.DEFAULT_TOP_K) : topK;
        if (!(score >= 0 && score <= 1)) {
            throw new RequestException(names.of("score_threshold") + " must be in [0, 1], got " + score);
        }
        if (!(overlap >= 0 && overlap <= 1)) {
            throw new RequestException(names.of("iou") + " must be in [0, 1], got " + overlap);
        }
        return new DetectionRequest(layout == null ? AUTO : layout, new PostProcessing(score, overlap,
                Limits.range(most, 0, 10_000, names.of("top_k"))), letterbox, Boolean.TRUE.equals(perBox),
                Boolean.TRUE.equals(renormalize));
    }

    /**
     * The detector this request asks for, over an opened model.
     *
     * @param opened the model opened for its layout ({@link ModelRequest#openDetector})
     * @param preprocessing how photos become its input
     * @param labels its class names
     * @param layers the target layers
     * @param imageWeight the photo's weight in overlays
     * @return the detector
     */
    public ImageDetector detector(DetectorOpening.Opened opened, Preprocessing preprocessing, Labels labels,
                                  List<String> layers, float imageWeight) {
        return detector(opened.model(), opened.outputs().layout(), preprocessing, labels, layers, imageWeight);
    }

    /**
     * The detector this request asks for, over a model opened for {@code layout} (a served model, opened once).
     *
     * @param model the model, its explained output the one the layout reads
     * @param layout its output layout
     * @param preprocessing how photos become its input
     * @param labels its class names
     * @param layers the target layers
     * @param imageWeight the photo's weight in overlays
     * @return the detector
     */
    public ImageDetector detector(ExplainableModel model, DetectionLayout layout, Preprocessing preprocessing,
                                  Labels labels, List<String> layers, float imageWeight) {
        return new ImageDetector(model, preprocessing, labels, layers, layout, postProcessing,
                DetectorOpening.letterbox(letterbox, layout), imageWeight);
    }

    /**
     * The detection loop this request asks for (per-box maps, renormalisation).
     *
     * @param detector its detector
     * @return the loop
     */
    public DetectionLoop loop(ImageDetector detector) {
        return new DetectionLoop(detector, perBox, renormalize);
    }
}
