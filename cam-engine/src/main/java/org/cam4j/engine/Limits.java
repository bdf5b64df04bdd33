package org.cam4j.engine;

import org.cam4j.spi.CamOptions;

/**
 * Bounds of the numeric options that size threads or memory, checked before anything runs: a typo such as
 * {@code --threads 100000} must be a one-line error, not thousands of threads.
 */
public final class Limits {
    /** Perturbed inputs per run (ScoreCAM, AblationCAM), as many as the automatic batch ever takes. */
    public static final int MAX_BATCH_SIZE = org.cam4j.pipeline.PerturbationBatch.MAX_BATCH;

    private Limits() {
    }

    /** The machine's cores, as the JVM sees them. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Intra-op threads: 0 (the runtime's default) up to the machine's cores. */
    public static int threads(int n, String option) {
        if (n < 0 || n > cores()) {
            throw new RequestException(option + " must be between 0 (the runtime's default) and this machine's " + cores()
                    + " cores, got " + n);
        }
        return n;
    }

    /** A batch size between 1 and the maximum; {@code option} names it in the refusal. */
    public static int batchSize(int n, String option) {
        return range(n, 1, MAX_BATCH_SIZE, option);
    }

    /** A batch size as written: 'auto' ({@link CamOptions#AUTO_BATCH_SIZE}) or a whole number in range. */
    public static int batchSize(String text, String option) {
        if (text == null || text.strip().equalsIgnoreCase("auto")) {
            return CamOptions.AUTO_BATCH_SIZE;
        }
        try {
            return batchSize(Integer.parseInt(text.strip()), option);
        } catch (NumberFormatException e) {
            throw new RequestException(option + " must be 'auto' or a whole number between 1 and " + MAX_BATCH_SIZE
                    + ", got '" + text + "'");
        }
    }

    /** {@code n} when it is in [min, max], else refused naming {@code option}. */
    public static int range(int n, int min, int max, String option) {
        if (n < min || n > max) {
            throw new RequestException(option + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    /** The photo's weight in an overlay when it is in [0, 1], else refused naming {@code option}. */
    public static float imageWeight(float w, String option) {
        if (!(w >= 0f && w <= 1f)) {
            throw new RequestException(option + " must be in [0, 1] (the photo's weight in the overlay), got " + w);
        }
        return w;
    }
}
