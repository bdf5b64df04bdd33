package org.cam4j.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.spi.Backends;

/** What every door decides the same way when it opens a model: that the file is there, backend settings, layers. */
public final class ModelOpening {
    private ModelOpening() {
    }

    /** A model path that exists and is a file or a folder some backend opens (a SavedModel), else a one-line error. */
    public static Path existing(Path p) {
        if (Files.isDirectory(p) && Backends.registry().all().stream().noneMatch(b -> b.canOpen(p))) {
            throw new RequestException("model " + p + " is a folder; give the model file inside it (.onnx), or a"
                    + " SavedModel folder (with saved_model.pb) with the cam-tensorflow plugin");
        }
        if (!Files.exists(p)) {
            throw new RequestException("model file " + p + " does not exist");
        }
        return p;
    }

    /** Backend settings given on the command line or in a batch YAML (a SavedModel's tag and signature). */
    public static java.util.Map<String, String> backendOptions(String tag, String signature) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        if (tag != null) {
            m.put("tag", tag);
        }
        if (signature != null) {
            m.put("signature", signature);
        }
        return m;
    }

    /** Layers from the options, else the model's YAML, else the model's suggested layer. */
    public static List<String> layersOrDefault(List<String> given, ModelSettings settings, ExplainableModel model) {
        if (given != null && !given.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "layers {0}: as given", given);
            return given;
        }
        if (!settings.defaultLayers().isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "layers {0}: from the model''s YAML", settings.defaultLayers());
            return settings.defaultLayers();
        }
        List<String> suggested = model.layers().stream().filter(org.cam4j.model.LayerInfo::suggested)
                .map(org.cam4j.model.LayerInfo::name).findFirst().map(List::of)
                .orElseThrow(() -> new RequestException("no target layer given and the model has no spatial layer to"
                        + " suggest; name one (cam layers --model FILE lists the candidates)"));
        LOG.log(System.Logger.Level.DEBUG, "layers {0}: the model''s suggested layer", suggested);
        return suggested;
    }

    /** Why a run chose what it chose (layers, preprocessing): DEBUG, shown by {@code cam --verbose}. */
    static final System.Logger LOG = System.getLogger("org.cam4j.engine");
}
