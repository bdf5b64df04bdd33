package org.cam4j.engine.batch;

import org.cam4j.engine.ModelSettings;
import java.util.List;
import java.util.Map;

/**
 * A batch run's YAML: models (each opened once), methods with options, images, targets and outputs. Unknown keys and
 * wrong types are errors with file:line:column; relative paths resolve against the YAML file's folder.
 *
 * <pre>
 * output: out                     # folder; --out overrides
 * formats: [png, npy, json, html] # default: png, json, html; jpg: JPEG overlays
 * models:
 *   - name: cifar                 # folder name under output (default: the file name)
 *     path: model.onnx            # default: the bundled CIFAR-10 ResNet-8; or a SavedModel folder (tag, signature)
 *     preprocessing: {size: [32, 32], scale: 255, mean: [0, 0, 0], std: [1, 1, 1]}
 *     layers: [activation_6]
 *     labels: labels.txt
 * methods:
 *   - GradCAM
 *   - {name: ScoreCAM, batch_size: 64}
 *   - {name: AblationCAM, options: {ratio_channels_to_ablate: 0.5}}
 * images: [photos/, "more/*.jpg"]
 * targets: {top_k: 1}             # or {classes: [dog, cat]} or {csv: targets.csv} (image,class per line)
 * evaluate: {metrics: [ROADCombined, Deletion], road_noise: 0.01, road_percentiles: [20, 40, 60, 80]}
 * task: detection                 # default: classification; detection explains detectors as cam detect does
 * detection: {layout: auto, score_threshold: 0.5, iou: 0.45, top_k: 100, letterbox: false, per_box: false,
 *             renormalize: false}
 * task: segmentation              # segmenters as cam segment explains them: the class over the model's own mask
 * segmentation: {class: dog, threshold: 0.5}
 * </pre>
 */
public record BatchConfig(String output, List<String> formats, List<ModelEntry> models, List<MethodEntry> methods,
                   List<String> images, TargetSpec targets, Float imageWeight, EvaluateSpec evaluate, String task,
                   DetectionSpec detection, SegmentationSpec segmentation) {
    /**
     * How segmenters are run with {@code task: segmentation} (the options of cam segment): the class (index or
     * label; default the largest one other than the background) and a one-channel output's threshold.
     */
    public record SegmentationSpec(@com.fasterxml.jackson.annotation.JsonProperty("class") String category,
                                   Double threshold) {
    }

    /** How detectors are run with {@code task: detection} (the options of cam detect). */
    public record DetectionSpec(String layout, Double scoreThreshold, Double iou, Integer topK, Boolean letterbox,
                         Boolean perBox, Boolean renormalize) {
        static DetectionSpec defaults() {
            return new DetectionSpec(null, null, null, null, null, null, null);
        }
    }

    /** Metrics computed per image and method into the records, summary.json and the report (see cam evaluate). */
    public record EvaluateSpec(List<String> metrics, Double roadNoise, List<Double> roadPercentiles, Long seed,
                        Map<String, String> options) {
    }

    /**
     * One model of the YAML: its name, file, backend options, preprocessing, layers, labels and SavedModel tag and
     * signature.
     */
    public record ModelEntry(String name, String path, String backend, String device, Integer threads, String reshape,
                      ModelSettings.PreprocessingSpec preprocessing, List<String> layers, String labels, String tag,
                      String signature) {
    }

    /** One method of the YAML with its options. */
    @com.fasterxml.jackson.annotation.JsonClassDescription(
            "a method name, or a map with keys name, aug_smooth, eigen_smooth, batch_size, options")
    public record MethodEntry(String name, Boolean augSmooth, Boolean eigenSmooth, String batchSize,
                       Map<String, String> options) {
        /** A method given by name alone. */
        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static MethodEntry named(String name) {
            return new MethodEntry(name, null, null, null, null);
        }

        /** Any combination of keys (missing ones are the defaults). */
        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
        public MethodEntry {
        }
    }

    /**
     * What to explain per image: its top-k classes, fixed classes (indices or labels), targets of any type written
     * as {@code cam explain --target} writes them ({@code specs: [softmax:281]}), or a CSV of image,class lines. Every
     * class and spec is explained on every image (the command line gives one target per image instead).
     */
    public record TargetSpec(Integer topK, List<String> classes, String csv, List<String> specs) {
    }
}
