package org.cam4j.spi;

import org.cam4j.model.Capability;
import org.cam4j.plugin.Provider;
import java.nio.file.Path;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;

/**
 * A way to run one kind of model file (ONNX, TensorFlow SavedModel) and take gradients through it.
 *
 * <p>Registered with {@code @AutoService(ModelBackend.class)}; {@link Backends} picks, among the backends that
 * {@link #canOpen} a file, the one with the highest {@link #rank}, unless the user names one.
 */
public interface ModelBackend extends Provider {
    /** Higher wins when several backends can open the same file. */
    default int rank() {
        return 0;
    }

    /** What the models this backend opens can do beyond a forward pass with gradients. */
    Set<Capability> capabilities();

    /** A cheap look at the path (name, magic bytes); does not load the model. */
    boolean canOpen(Path model);

    /** Opens the model file for explanation; the caller closes it. */
    ExplainableModel open(Path model, ModelOptions options);

    /**
     * The runtime behind this backend, its version and the devices it can use ({@code ONNX Runtime 1.29.0,
     * execution providers [CPU]}), as {@code cam --version} shows it; may load the runtime's native libraries.
     */
    default String runtime() {
        return "";
    }
}
