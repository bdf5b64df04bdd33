package org.cam4j.tensorflow;

import com.google.auto.service.AutoService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.model.Capability;
import org.cam4j.spi.ModelBackend;
import org.cam4j.errors.InvalidModelException;

/**
 * TensorFlow SavedModels (a folder with {@code saved_model.pb}; TF2/Keras and TF1) and frozen GraphDefs
 * ({@code .pb}). Backend options: {@code tag} (default {@code serve}) and {@code signature} (default
 * {@code serving_default}).
 */
@AutoService(ModelBackend.class)
public final class TensorFlowBackend implements ModelBackend {
    /** Backend option: the meta graph tag to load (default {@code serve}). */
    public static final String TAG = "tag";
    /** Backend option: the signature to explain (default {@code serving_default}). */
    public static final String SIGNATURE = "signature";

    @Override
    public String name() {
        return "tensorflow";
    }

    @Override
    public List<String> aliases() {
        return List.of("tf", "savedmodel");
    }

    @Override
    public String runtime() {
        return "TensorFlow " + org.tensorflow.TensorFlow.version();
    }

    @Override
    public String description() {
        return "TensorFlow SavedModels and frozen graphs (TensorFlow Java " + "1.1.0" + ")";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.GRADIENTS, Capability.HEAD_FORWARD, Capability.MASKED_FORWARD,
                Capability.INPUT_GRADIENTS, Capability.SECOND_ORDER);
    }

    @Override
    public boolean canOpen(Path model) {
        return SavedModelFile.isSavedModel(model)
                || Files.isRegularFile(model) && model.getFileName().toString().endsWith(".pb");
    }

    @Override
    public ExplainableModel open(Path model, ModelOptions options) {
        if (!Files.exists(model)) {
            throw new InvalidModelException("model " + model + " does not exist");
        }
        SavedModelFile file = SavedModelFile.read(model, options.backendOption(TAG, "serve"),
                options.backendOption(SIGNATURE, "serving_default"));
        return new TensorFlowModel(model, file, options);
    }
}
