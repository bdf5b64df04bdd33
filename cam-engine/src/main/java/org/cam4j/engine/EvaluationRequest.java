package org.cam4j.engine;

import java.util.List;
import java.util.function.UnaryOperator;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;

/**
 * An evaluation as every door asks for it, its words mapped ({@code cam evaluate}'s flags, a batch YAML's
 * {@code evaluate} section, a {@code cam serve} request's {@code metrics} and options): the metrics and ROAD's
 * settings, resolved and checked once. No names, or {@code all}, is every metric the run can compute (those that
 * read ground truth only where the door was given some).
 *
 * @param metrics the metrics, each once, in the order named
 * @param road ROAD's noise, percentiles and seed
 */
public record EvaluationRequest(List<CamMetric> metrics, RoadSettings road) {
    /**
     * The refusal of a metric that reads ground truth the door was not given, as every door begins it (each adds where
     * ground truth can be given).
     *
     * @param metric the metric's name
     * @return the message's start
     */
    public static String needsGroundTruth(String metric) {
        return metric + " needs ground truth (object masks or boxes)";
    }

    /**
     * This request for the k-th batch of a run scored batch by batch: ROAD's noise drawn from the seed plus k, so
     * that a run's first batch (a run of one batch) is scored as the seed says and the others with noise of their own.
     *
     * @param k the batch's place, from 0
     * @return the request for that batch
     */
    public EvaluationRequest forBatch(int k) {
        return k == 0 ? this : new EvaluationRequest(metrics, new RoadSettings(road.noise(), road.percentiles(),
                road.seed() + k));
    }

    /** The name that stands for every metric the run can compute. */
    public static final String ALL = "all";

    /**
     * A request from a door's values.
     *
     * @param names the metrics' names ({@code cam metrics} lists them), null or {@code [all]} for every one
     * @param groundTruth whether the door was given ground truth (masks, boxes, the model's own masks)
     * @param withoutGroundTruth the door's one-line refusal of a named metric that reads ground truth it was not given,
     *     from the metric's name: {@link #needsGroundTruth} and where the door takes ground truth
     * @param roadNoise ROAD's imputation noise, or null for the default
     * @param roadPercentiles ROAD's removal percentiles, or null for the default
     * @param seed the noise's seed, or null for 0
     * @param fields how the door names the fields
     * @return the checked request
     */
    public static EvaluationRequest of(List<String> names, boolean groundTruth, UnaryOperator<String> withoutGroundTruth,
                                       Double roadNoise, List<Double> roadPercentiles, Long seed, FieldNames fields) {
        RoadSettings road = RoadSettings.of(roadNoise, roadPercentiles, seed, fields);
        if (names == null || names.equals(List.of(ALL))) {
            return new EvaluationRequest(Metrics.registry().all().stream()
                    .filter(m -> groundTruth || !m.needsGroundTruth()).toList(), road);
        }
        List<CamMetric> metrics = names.stream().distinct().map(Metrics::get).toList();
        for (CamMetric m : metrics) {
            if (m.needsGroundTruth() && !groundTruth) {
                throw new RequestException(withoutGroundTruth.apply(m.name()));
            }
        }
        return new EvaluationRequest(metrics, road);
    }
}
