package org.cam4j.engine;

import java.util.List;
import org.cam4j.model.ExplainableModel;

/**
 * One request to the engine, as every door asks it once its words are mapped ({@code cam explain}, {@code cam
 * detect} and {@code cam segment}'s flags, a batch YAML's run for one of its models, a {@code cam serve} request, the
 * Java builders): the task, the model part, the methods with their options, the targets as written, an evaluation and
 * the detection settings where the task takes them, and the photo's weight in overlays. Each part is checked by its
 * own rule where it is built ({@link MethodRequest}, {@link EvaluationRequest}, {@link DetectionRequest}, {@link
 * PreprocessingRequest}); {@link #of} checks what a task takes, once for every door, in the door's words.
 *
 * @param task what is explained: a classifier's classes, a detector's detections, a segmenter's class over its own
 *     mask
 * @param model the model part: the model, its YAML, preprocessing, labels and layers
 * @param methods the methods with their options, checked
 * @param targets the targets as written ({@link TargetSpecs}: {@code 281}, {@code dog}, {@code softmax:3}); none:
 *     each image's top class, a segmenter's largest class, or the door's own choice per image (a batch YAML's
 *     {@code csv} and {@code top_k}). How they are shared among images is the door's: every target for the one photo
 *     of a served request, one for all or one per image on the command line. A segmenter takes one, its class
 * @param files whether target specs may read files, and where relative names are found
 * @param evaluation the metrics each map is scored with, or null for none (classifiers only)
 * @param detection the detection settings, for detectors only (null otherwise)
 * @param imageWeight the photo's weight in overlays, in [0, 1]
 */
public record CamRequest(Task task, ModelSetup model, List<MethodChoice> methods, List<String> targets,
                         TargetSpecs.Files files, EvaluationRequest evaluation, DetectionRequest detection,
                         float imageWeight) {
    /** What a request explains. */
    public enum Task {
        /** A classifier's (or embedding's) targets: classes, typed targets. */
        CLASSIFICATION,
        /** A detector's detections, each box's score. */
        DETECTION,
        /** A segmenter's class over its own mask. */
        SEGMENTATION
    }

    /** Copies the lists. */
    public CamRequest {
        methods = List.copyOf(methods);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /**
     * A request from its parts, checked: the photo weight in [0, 1], and what the task takes ({@link #checkTask}).
     * Messages name {@code image_weight}, {@code targets} and {@code metrics}
     * as the door does.
     *
     * @param task the task
     * @param model the model part
     * @param methods the methods with their options
     * @param targets the targets as written, or null for none
     * @param files whether target specs may read files
     * @param evaluation the evaluation, or null
     * @param detection the detection settings (detectors only), or null
     * @param imageWeight the photo's weight in overlays
     * @param fields how the door names the fields
     * @return the checked request
     */
    public static CamRequest of(Task task, ModelSetup model, List<MethodChoice> methods, List<String> targets,
                                TargetSpecs.Files files, EvaluationRequest evaluation, DetectionRequest detection,
                                float imageWeight, FieldNames fields) {
        Limits.imageWeight(imageWeight, fields.of("image_weight"));
        checkTask(task, targets == null ? 0 : targets.size(), evaluation != null && !evaluation.metrics().isEmpty(),
                fields);
        if (detection != null && task != Task.DETECTION) {
            throw new IllegalArgumentException("detection settings for a " + task + " request");
        }
        return new CamRequest(task, model, methods, targets, files, evaluation, task == Task.DETECTION && detection
                == null ? DetectionRequest.of(null, null, null, null, null, null, null, fields) : detection,
                imageWeight);
    }

    /**
     * What a task takes, checked before anything runs: a detector explains every detection and takes no targets;
     * metrics read class scores, so only classifiers are evaluated here; a segmenter takes one target, its class.
     *
     * @param task the task
     * @param targets how many targets the request gives
     * @param evaluated whether the request asks for metrics
     * @param fields how the door names {@code targets} and {@code metrics}
     */
    public static void checkTask(Task task, int targets, boolean evaluated, FieldNames fields) {
        switch (task) {
            case DETECTION -> {
                if (targets > 0) {
                    throw new RequestException(fields.of("targets") + ": a detector takes no targets; every"
                            + " detection is explained");
                }
                if (evaluated) {
                    throw new RequestException(fields.of("metrics") + ": a detector takes no metrics; they read class"
                            + " scores");
                }
            }
            case SEGMENTATION -> {
                if (targets > 1) {
                    throw new RequestException(fields.of("targets") + ": a segmenter takes one target, the class whose"
                            + " mask is explained; got " + targets);
                }
                if (evaluated) {
                    throw new RequestException(fields.of("metrics") + ": a segmenter takes no metrics here; use cam"
                            + " evaluate --own-mask");
                }
            }
            case CLASSIFICATION -> {
            }
        }
    }

    /**
     * The photo explainer of this request over its model, opened (classifiers and segmenters).
     *
     * @param opened the model, open
     * @return the explainer
     */
    public ImageExplainer explainer(ExplainableModel opened) {
        return model.explainer(opened, imageWeight);
    }

    /**
     * The detector of this request over its model, opened for its layout.
     *
     * @param opened the model opened for the request's layout ({@link #openDetector})
     * @return the detector
     */
    public ImageDetector detector(DetectorOpening.Opened opened) {
        return model.detector(opened, detection, imageWeight);
    }

    /**
     * Opens the request's model as a detector, on the outputs its layout reads.
     *
     * @return the opened detector; the caller closes it
     */
    public DetectorOpening.Opened openDetector() {
        return model.model().openDetector(detection.layout());
    }
}
