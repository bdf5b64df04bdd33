package org.cam4j.metrics;

import java.util.Arrays;

/** numpy's {@code np.percentile} (linear interpolation between closest ranks). */
public final class Percentile {
    private Percentile() {
    }

    /** The percentile (0 to 100) of the values, interpolated linearly as numpy's default does. */
    public static double of(float[] values, double percentile) {
        double[] sorted = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            sorted[i] = values[i];
        }
        Arrays.sort(sorted);
        double rank = percentile / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
