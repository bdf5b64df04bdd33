package org.cam4j.engine;

import java.util.List;

/**
 * ROAD's settings (the metrics that remove the most or least relevant pixels and impute them): the noise of the
 * imputation, the removal percentiles, the noise's seed. Defaults and rules are the same behind every door.
 */
public record RoadSettings(double noise, List<Double> percentiles, long seed) {
    /** The imputation's noise by default, as the reference's ROAD. */
    public static final double DEFAULT_NOISE = 0.01;
    /** The largest noise accepted. */
    public static final double MAX_NOISE = 1;
    /** The removal percentiles by default, as the reference's ROADCombined. */
    public static final List<Double> DEFAULT_PERCENTILES = List.of(20.0, 40.0, 60.0, 80.0);

    /** The settings given ({@code null}: the default), checked; messages name fields as {@code names} does. */
    public static RoadSettings of(Double noise, List<Double> percentiles, Long seed, FieldNames names) {
        double n = noise == null ? DEFAULT_NOISE : noise;
        if (!(n >= 0 && n <= MAX_NOISE)) {
            // the imputation noise is a standard deviation in the input's units: above 1 it drowns every image
            throw new RequestException(names.of("road_noise") + " must be a number >= 0 and at most " + MAX_NOISE
                    + ", got " + n);
        }
        List<Double> p = percentiles == null ? DEFAULT_PERCENTILES : percentiles;
        if (p.isEmpty()) {
            throw new RequestException(names.of("road_percentiles") + " needs at least one percentile");
        }
        for (Double v : p) {
            if (v == null || !(v > 0 && v < 100)) {
                throw new RequestException(names.of("road_percentiles") + " must lie strictly between 0 and 100, got "
                        + v);
            }
        }
        return new RoadSettings(n, List.copyOf(p), seed == null ? 0 : seed);
    }
}
