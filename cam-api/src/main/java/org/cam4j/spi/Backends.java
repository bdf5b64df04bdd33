package org.cam4j.spi;

import org.cam4j.plugin.ProviderRegistry;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Chooses the backend for a model file: the named one, else the {@code cam4j.backend} system property, else the
 * highest-ranked backend that can open the file.
 */
public final class Backends {
    /** System property that forces a backend by name. */
    public static final String PROPERTY = "cam4j.backend";

    private Backends() {
    }

    /**
     * Every backend on the class path (plugins included), by name.
     *
     * @return the registry
     */
    public static ProviderRegistry<ModelBackend> registry() {
        return ProviderRegistry.load("backend", ModelBackend.class);
    }

    /**
     * The backend named {@code requested} (else by the {@code cam4j.backend} property), else the highest-ranked one
     * that can open the file; refused when none can.
     *
     * @param model the model file or folder
     * @param requested a backend's name, or null
     * @return the backend
     */
    public static ModelBackend choose(Path model, String requested) {
        ProviderRegistry<ModelBackend> registry = registry();
        String name = requested != null ? requested : System.getProperty(PROPERTY);
        if (name != null && !name.isBlank()) {
            return registry.get(name);
        }
        return registry.all().stream()
                .filter(b -> b.canOpen(model))
                .max(Comparator.comparingInt(ModelBackend::rank))
                .orElseThrow(() -> new IllegalArgumentException("no backend can open " + model
                        + "; available backends: " + (registry.all().isEmpty() ? "none on the classpath (add cam-onnx)"
                        : registry.names()) + " (ONNX files end in .onnx)"));
    }
}
