package org.cam4j.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a YAML file next to a model ({@code M.yaml} beside {@code M.onnx}) says about it: preprocessing, labels file,
 * default target layers. Paths are relative to the YAML file's folder.
 */
public record ModelSettings(PreprocessingSpec preprocessing, String labels, List<String> layers, String layer,
                     String reshape) {
    /** Preprocessing keys; absent ones fall back to the command's options or defaults. */
    public record PreprocessingSpec(List<Integer> size, List<Integer> crop, Float scale, List<Float> mean, List<Float> std,
                             String layout) {
    }

    /** No settings: every value comes from the command or the defaults. */
    public static ModelSettings none() {
        return new ModelSettings(null, null, null, null, null);
    }

    /** The settings next to {@code model}, or none. */
    public static ModelSettings beside(Path model) {
        Path yaml = fileBeside(model);
        return Files.isRegularFile(yaml) ? Yaml.read(yaml, ModelSettings.class) : none();
    }

    /** The labels file these settings name, read beside {@code model}; none when they name none. */
    public Labels labels(Path model) {
        return labels != null ? Labels.read(model.resolveSibling(labels)) : Labels.none();
    }

    /** Where a model's settings are: {@code resnet50.yaml} beside {@code resnet50.onnx}. */
    public static Path fileBeside(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".yaml");
    }

    /** How messages name the preprocessing keys of the YAML beside {@code model}: {@code m.yaml: preprocessing.size}. */
    public static FieldNames preprocessingNames(Path model) {
        return FieldNames.yaml(fileBeside(model), "preprocessing");
    }

    /** The layers the settings name ({@code layers}, else {@code layer}), or none. */
    public List<String> defaultLayers() {
        if (layers != null && !layers.isEmpty()) {
            return layers;
        }
        return layer == null ? List.of() : List.of(layer);
    }
}
