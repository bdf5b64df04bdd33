package org.cam4j.spi;

import java.util.Map;
import org.cam4j.errors.InvalidInputException;

/**
 * Options of one CAM computation, as the reference's {@code __call__} and constructor take them.
 *
 * @param eigenSmooth project the weighted activations on their first principal component
 * @param augSmooth average 6 runs over horizontal flip x brightness 0.9, 1.0, 1.1
 * @param batchSize how many perturbed inputs ScoreCAM and AblationCAM run at once; {@link #AUTO_BATCH_SIZE} lets the
 *     method choose (ScoreCAM: as many as its memory budget allows; AblationCAM: the reference's 32)
 * @param extra method-specific options by name (for example {@code ratio_channels_to_ablate})
 * @param allowNonFinite compute even when the input, outputs, activations or gradients hold NaN or infinite values
 *     (by default that is an error naming the tensor)
 */
public record CamOptions(boolean eigenSmooth, boolean augSmooth, int batchSize, Map<String, String> extra,
                         boolean allowNonFinite) {
    /** A {@code batchSize} that lets each method choose its own. */
    public static final int AUTO_BATCH_SIZE = 0;

    /**
     * No smoothing, automatic batch size, no method options, non-finite values refused.
     *
     * @return the default options
     */
    public static CamOptions defaults() {
        return new CamOptions(false, false, AUTO_BATCH_SIZE, Map.of());
    }

    /**
     * Options refusing non-finite values.
     *
     * @param eigenSmooth project on the first principal component
     * @param augSmooth average over flips and brightness changes
     * @param batchSize perturbed inputs per run, 0 for automatic
     * @param extra method-specific options by name
     */
    public CamOptions(boolean eigenSmooth, boolean augSmooth, int batchSize, Map<String, String> extra) {
        this(eigenSmooth, augSmooth, batchSize, extra, false);
    }

    /** Refuses a negative batch size; copies the method options. */
    public CamOptions {
        if (batchSize < 0) {
            throw new InvalidInputException("batch size must be >= 1 (or 0 for automatic), got " + batchSize);
        }
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /**
     * These options with eigen-smoothing on or off (the maps projected on their first principal component).
     *
     * @param value whether to smooth
     * @return the new options
     */
    public CamOptions withEigenSmooth(boolean value) {
        return new CamOptions(value, augSmooth, batchSize, extra, allowNonFinite);
    }

    /**
     * These options with test-time augmentation on or off (flips and brightness changes, averaged).
     *
     * @param value whether to augment
     * @return the new options
     */
    public CamOptions withAugSmooth(boolean value) {
        return new CamOptions(eigenSmooth, value, batchSize, extra, allowNonFinite);
    }

    /**
     * These options with another batch size for perturbed inputs (ScoreCAM, AblationCAM; 0: automatic).
     *
     * @param value the batch size, 0 for automatic
     * @return the new options
     */
    public CamOptions withBatchSize(int value) {
        return new CamOptions(eigenSmooth, augSmooth, value, extra, allowNonFinite);
    }

    /**
     * These options computing, or not, when inputs, outputs or gradients hold NaN or infinite values.
     *
     * @param value whether to compute anyway
     * @return the new options
     */
    public CamOptions withAllowNonFinite(boolean value) {
        return new CamOptions(eigenSmooth, augSmooth, batchSize, extra, value);
    }

    /**
     * These options with the method-specific settings replaced (see each method's Javadoc).
     *
     * @param value the method-specific options by name
     * @return the new options
     */
    public CamOptions withExtra(Map<String, String> value) {
        return new CamOptions(eigenSmooth, augSmooth, batchSize, value, allowNonFinite);
    }

    /**
     * The batch size given, or {@code fallback}'s (asked only then) when it is {@link #AUTO_BATCH_SIZE}.
     *
     * @param fallback the method's own choice
     * @return the batch size
     */
    public int batchSizeOr(java.util.function.IntSupplier fallback) {
        return batchSize == AUTO_BATCH_SIZE ? fallback.getAsInt() : batchSize;
    }

    /**
     * A method-specific number option, or {@code fallback} when absent.
     *
     * @param key the option's name
     * @param fallback the value when absent
     * @return the value; a value that is not a number is refused naming the key
     */
    public double number(String key, double fallback) {
        String v = extra.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("option " + key + " must be a number, got '" + v + "'");
        }
    }
}
