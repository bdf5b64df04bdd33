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
    /**
     * Higher wins when several backends can open the same file.
     *
     * @return the rank, 0 by default
     */
    default int rank() {
        return 0;
    }

    /**
     * What the models this backend opens can do beyond a forward pass with gradients.
     *
     * @return the capabilities every model of this backend has
     */
    Set<Capability> capabilities();

    /**
     * A cheap look at the path (name, magic bytes); does not load the model.
     *
     * @param model a model file or folder
     * @return whether this backend reads it
     */
    boolean canOpen(Path model);

    /**
     * Opens the model file for explanation; the caller closes it.
     *
     * @param model the model file or folder
     * @param options device, threads, token reshape and backend-specific settings
     * @return the opened model
     */
    ExplainableModel open(Path model, ModelOptions options);

    /**
     * The runtime behind this backend, its version and the devices it can use ({@code ONNX Runtime 1.29.0,
     * execution providers [CPU]}), as {@code cam --version} shows it; may load the runtime's native libraries.
     *
     * @return one line, empty by default
     */
    default String runtime() {
        return "";
    }
}
