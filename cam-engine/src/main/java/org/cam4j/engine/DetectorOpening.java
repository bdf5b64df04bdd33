package org.cam4j.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.DetectorOutputs;
import org.cam4j.model.ExplainableModel;

/** How every door opens an object detector: its layout recognised, the outputs it reads, its preprocessing and layers. */
public final class DetectorOpening {
    private DetectorOpening() {
    }

    /** The detector layout of a model's outputs, or empty when it is no detector cam4j recognises. */
    public static java.util.Optional<DetectorOutputs> recognise(ExplainableModel model) {
        return model.output().shape().length == 3 ? DetectorOutputs.recognise(model.outputs())
                : java.util.Optional.empty();
    }

    /** A detector opened on the outputs its layout reads. */
    public record Opened(ExplainableModel model, DetectorOutputs outputs) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Opens a detector with {@code opener} (given extra backend settings), recognises its layout, and reopens it on
     * the outputs that layout reads when they are not the model's first output.
     */
    public static Opened open(java.util.function.Function<Map<String, String>, ExplainableModel> opener, Path path,
                       String layout) {
        return open(opener.apply(Map.of()), opener, path, layout);
    }

    /**
     * {@link #open(java.util.function.Function, Path, String)} for a model already opened on its first output
     * ({@code first}, which this takes over: kept, or closed when the layout reads other outputs).
     *
     * @param first the model as opened on its first output
     * @param opener opens it again with extra backend settings
     * @param path the model file, for messages
     * @param layout the layout spec ({@code auto}: recognised)
     * @return the opened detector
     */
    public static Opened open(ExplainableModel first,
                              java.util.function.Function<Map<String, String>, ExplainableModel> opener, Path path,
                              String layout) {
        ExplainableModel model = first;
        try {
            DetectorOutputs outputs;
            try {
                outputs = DetectorOutputs.choose(model.outputs(), layout);
            } catch (IllegalArgumentException e) {
                throw new RequestException(path + ": " + e.getMessage());
            }
            List<String> explained = new ArrayList<>(outputs.outputs());
            if (outputs.layout().kind() == DetectionLayout.Kind.SSD
                    && model.outputIsSoftmax(explained.get(1))) {
                // class logits instead of saturating probabilities; confidences are the same softmax
                explained.set(1, explained.get(1) + ":logits");
                outputs = new DetectorOutputs(outputs.layout().withLogits(), outputs.outputs());
            }
            if (explained.equals(List.of(model.output().name()))) {
                return new Opened(model, outputs);
            }
            model.close();
            model = null;
            model = opener.apply(Map.of(org.cam4j.model.ModelOptions.OUTPUTS, String.join(",", explained)));
            return new Opened(model, outputs);
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            throw e;
        }
    }

    /**
     * The preprocessing given, else the model YAML's; without either, YOLO and torchvision layouts read pixels / 255
     * with no mean and std (as Ultralytics exports do; torchvision's detectors normalise inside), not ImageNet's
     * normalisation.
     */
    public static org.cam4j.image.Preprocessing preprocessing(PreprocessingRequest given, ModelSettings settings,
                                                              ExplainableModel model, DetectionLayout layout,
                                                              FieldNames names, FieldNames settingsNames) {
        if (layout.kind() != DetectionLayout.Kind.SSD && settings.preprocessing() == null && given.mean() == null
                && given.std() == null) {
            given = given.withMeanStd(List.of(0f, 0f, 0f), List.of(1f, 1f, 1f));
        }
        return given.resolve(settings, model, names, settingsNames);
    }

    /** Letterbox as asked, else for YOLO layouts (their exports expect it), not for SSD and torchvision. */
    public static boolean letterbox(Boolean given, DetectionLayout layout) {
        return given != null ? given : layout.kind() == DetectionLayout.Kind.YOLOV5
                || layout.kind() == DetectionLayout.Kind.YOLOV8;
    }

    /**
     * The model to explain with detection targets ({@code boxes:torchvision:...}): a torchvision detector reopened
     * on its joined detections, which such targets read; any other model as it is.
     */
    public static ExplainableModel forDetectionTargets(ExplainableModel model,
                                                       java.util.function.Function<Map<String, String>,
                                                               ExplainableModel> opener,
                                                       Path path, List<String> targetSpecs) {
        var recognised = recognise(model);
        if (recognised.isEmpty() || !DetectorRefusal.allDetectionTargets(targetSpecs)
                || recognised.get().layout().kind() != DetectionLayout.Kind.TORCHVISION) {
            return model;
        }
        model.close();
        return open(opener, path, "auto").model();
    }

    /** Layers given, else the model YAML's, else the detector's pyramid levels, else the suggested layer. */
    public static List<String> layers(List<String> given, ModelSettings settings, ExplainableModel model) {
        if ((given == null || given.isEmpty()) && settings.defaultLayers().isEmpty()) {
            List<String> levels = model.detectorLevels();
            if (!levels.isEmpty()) {
                return levels;
            }
        }
        return ModelOpening.layersOrDefault(given, settings, model);
    }
}
