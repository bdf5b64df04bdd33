package org.cam4j.engine;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.cam4j.timing.Timings;

/**
 * Which model a request opens and how, as every door says it once its words are mapped (the command line's
 * {@code --model --backend --device --threads --reshape --tag --signature}, a batch YAML's {@code models[]} entry,
 * the Java builder): {@link #open} is the one way a model is opened for explaining. Checks of the values (threads,
 * devices) are the doors', which name them in their own words.
 *
 * @param file the model file or SavedModel folder
 * @param backend a backend's name, or null to choose by the file
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param threads intra-op threads, 0 for the runtime's choice
 * @param reshape the token-to-grid rule, or null for the model YAML's (else automatic)
 * @param tag a SavedModel's meta graph tag, or null
 * @param signature a SavedModel's signature, or null
 * @param inplaceReluView whether methods see the output of an in-place ReLU that is a layer's only consumer
 */
public record ModelRequest(Path file, String backend, String device, int threads, String reshape, String tag,
                           String signature, boolean inplaceReluView) {
    /**
     * A model file with every other setting at its default (CPU, the runtime's threads, the YAML's reshape rule).
     *
     * @param file the model file or SavedModel folder
     * @return the request
     */
    public static ModelRequest of(Path file) {
        return new ModelRequest(file, null, "cpu", 0, null, null, null, true);
    }

    /**
     * Opens the model.
     *
     * @return the model, open; the caller closes it
     */
    public ExplainableModel open() {
        return open(Map.of());
    }

    /**
     * Opens the model with extra backend settings ({@link ModelOptions#OUTPUTS} for the ONNX backend).
     *
     * @param extra backend settings added to the tag and signature
     * @return the model, open; the caller closes it
     */
    public ExplainableModel open(Map<String, String> extra) {
        Path p = ModelOpening.existing(file);
        String rule = reshape != null ? reshape : ModelSettings.beside(p).reshape();
        Map<String, String> backendSettings = new HashMap<>(ModelOpening.backendOptions(tag, signature));
        backendSettings.putAll(extra);
        try (Timings.Phase t = Timings.phase("open the model")) {
            return Backends.choose(p, backend).open(p, new ModelOptions(device, threads, rule, inplaceReluView,
                    backendSettings));
        }
    }

    /**
     * Opens the model as an object detector: its layout recognised (or as given), reopened on the outputs that
     * layout reads.
     *
     * @param layout a layout spec ({@code auto}, {@code ssd}, {@code yolov8,xyxy,pixels}, ...)
     * @return the opened detector; the caller closes it
     */
    public DetectorOpening.Opened openDetector(String layout) {
        return DetectorOpening.open(this::open, ModelOpening.existing(file), layout);
    }
}
