package org.cam4j.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;

/**
 * The model part of a request, as every door asks for it once its words are mapped ({@code --model --labels --layer
 * --size ...} on the command line, a batch YAML's {@code models[]} entry, a served model, the Java builder): which
 * model and how it opens, how photos become its input, its class names and its target layers. What the request leaves
 * out is taken in one order for every door: the request's value, then the model's YAML ({@code m.yaml} beside
 * {@code m.onnx}, or a batch entry's keys in its place), then the model itself.
 *
 * @param model which model and how it opens
 * @param settings the model's YAML ({@link ModelSettings#none()} for none)
 * @param settingsFields how messages name a value taken from {@code settings} (a user who gave no {@code --size}
 *     must not be told that {@code --size} is wrong)
 * @param preprocessing the preprocessing the request gives ({@link PreprocessingRequest#NONE} for none)
 * @param labelsFile the class names file the request gives, or null for the YAML's
 * @param layers the target layers the request gives, null or empty for the YAML's (else the model's suggestion)
 * @param fields how messages name the request's own values
 */
public record ModelSetup(ModelRequest model, ModelSettings settings, FieldNames settingsFields,
                         PreprocessingRequest preprocessing, Path labelsFile, List<String> layers, FieldNames fields) {
    /**
     * The setup of a model file with the YAML beside it.
     *
     * @param model which model and how it opens
     * @param preprocessing the preprocessing the request gives
     * @param labelsFile the labels file the request gives, or null
     * @param layers the layers the request gives, or null
     * @param fields how messages name the request's values
     * @return the setup
     */
    public static ModelSetup beside(ModelRequest model, PreprocessingRequest preprocessing, Path labelsFile,
                                    List<String> layers, FieldNames fields) {
        Path file = ModelOpening.existing(model.file());
        return new ModelSetup(model, ModelSettings.beside(file), ModelSettings.preprocessingNames(file),
                preprocessing, labelsFile, layers, fields);
    }

    /**
     * Opens the model.
     *
     * @return the model, open; the caller closes it
     */
    public ExplainableModel open() {
        return model.open();
    }

    /**
     * Opens the model with extra backend settings ({@link org.cam4j.model.ModelOptions#OUTPUTS}).
     *
     * @param extra backend settings
     * @return the model, open; the caller closes it
     */
    public ExplainableModel open(Map<String, String> extra) {
        return model.open(extra);
    }

    /**
     * The class names: the request's file, else the one the model's YAML names (beside the model), else none.
     *
     * @return the labels
     */
    public Labels labels() {
        return labelsFile != null ? Labels.read(labelsFile) : settings.labels(model.file());
    }

    /**
     * The layers explained: the request's, else the YAML's, else the model's suggested layer.
     *
     * @param opened the model, open
     * @return the layers
     */
    public List<String> layers(ExplainableModel opened) {
        return ModelOpening.layersOrDefault(layers, settings, opened);
    }

    /**
     * How photos become the model's input, every value checked.
     *
     * @param opened the model, open
     * @return the preprocessing
     */
    public Preprocessing preprocessing(ExplainableModel opened) {
        return preprocessing.resolve(settings, opened, fields, settingsFields);
    }

    /**
     * The photo explainer of a classifier (or any model explained by class-like targets).
     *
     * @param opened the model, open
     * @param imageWeight the photo's weight in overlays
     * @return the explainer
     */
    public ImageExplainer explainer(ExplainableModel opened, float imageWeight) {
        Labels names = labels();
        List<String> chosen = layers(opened);
        return new ImageExplainer(opened, preprocessing(opened), names, chosen, imageWeight);
    }

    /**
     * The detector a detection request asks for over this model, opened for its layout: preprocessing for the layout
     * (see {@link DetectorOpening#preprocessing}), layers the pyramid levels where none are named.
     *
     * @param opened the model opened for its layout ({@link ModelRequest#openDetector})
     * @param request the detection request
     * @param imageWeight the photo's weight in overlays
     * @return the detector
     */
    public ImageDetector detector(DetectorOpening.Opened opened, DetectionRequest request, float imageWeight) {
        return request.detector(opened, preprocessing(opened), labels(), detectorLayers(opened.model()), imageWeight);
    }

    /**
     * The layers a detector explains: the request's, else the YAML's, else its pyramid levels, else its suggested
     * layer ({@link DetectorOpening#layers}).
     *
     * @param opened the detector, open
     * @return the layers
     */
    public List<String> detectorLayers(ExplainableModel opened) {
        return DetectorOpening.layers(layers, settings, opened);
    }

    /**
     * How photos become a detector's input: where neither the request nor the YAML gives a mean and std, YOLO and
     * torchvision layouts read pixels / 255 ({@link DetectorOpening#preprocessing}).
     *
     * @param opened the model opened for its layout
     * @return the preprocessing
     */
    public Preprocessing preprocessing(DetectorOpening.Opened opened) {
        return DetectorOpening.preprocessing(preprocessing, settings, opened.model(), opened.outputs().layout(), fields,
                settingsFields);
    }
}
