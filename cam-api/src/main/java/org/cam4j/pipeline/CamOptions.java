package org.cam4j.pipeline;

import java.util.Map;

/**
 * Options of one CAM computation, as the reference's {@code __call__} and constructor take them.
 *
 * @param eigenSmooth project the weighted activations on their first principal component
 * @param augSmooth average 6 runs over horizontal flip x brightness 0.9, 1.0, 1.1
 * @param batchSize how many perturbed inputs ScoreCAM and AblationCAM run at once
 * @param extra method-specific options by name (for example {@code ratio_channels_to_ablate})
 */
public record CamOptions(boolean eigenSmooth, boolean augSmooth, int batchSize, Map<String, String> extra) {
    public static CamOptions defaults() {
        return new CamOptions(false, false, 32, Map.of());
    }

    public CamOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public CamOptions withEigenSmooth(boolean value) {
        return new CamOptions(value, augSmooth, batchSize, extra);
    }

    public CamOptions withAugSmooth(boolean value) {
        return new CamOptions(eigenSmooth, value, batchSize, extra);
    }

    public CamOptions withBatchSize(int value) {
        return new CamOptions(eigenSmooth, augSmooth, value, extra);
    }

    /** A method-specific number option, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        String v = extra.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be a number, got '" + v + "'");
        }
    }
}
