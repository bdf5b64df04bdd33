package org.cam4j.engine.evaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MetricScores;
import org.cam4j.engine.RoadSettings;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.MetricContext;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * What {@code cam evaluate} computes: each method's maps of a batch's targets (or, for the first method, maps the
 * user gives), then every metric of the request on them, with the ground truth when there is one. The values are
 * per image under the reports' names ({@link MetricScores}); the deletion and insertion curves, averaged over the
 * images, when asked for. The whole batch is one metric context, so ROAD's noise is drawn from one generator across
 * the images (the reference's imputer draws it with {@code torch.randn_like}, from torch's one global generator).
 */
public final class MethodEvaluation {
    private MethodEvaluation() {
    }

    /**
     * The batch the methods are scored on.
     *
     * @param model the model
     * @param input its input, N x C x H x W
     * @param targets one target per row
     * @param layers the target layers
     * @param groundTruth per row an H x W object mask at the model input, or null
     */
    public record Batch(ExplainableModel model, Tensor input, List<Target> targets, List<String> layers,
                        Tensor groundTruth) {
    }

    /**
     * The scores: per reported metric name, per method, the values per image; per method the mean deletion and
     * insertion curves (empty when not asked for).
     */
    public record Scores(Map<String, Map<String, double[]>> values, Map<String, double[]> deletion,
                         Map<String, double[]> insertion) {
        /**
         * The scores of consecutive batches as one run's: the values per image one after the other, the curves
         * averaged over all images (each batch's mean weighted by its images). One batch's scores are returned as
         * they are.
         *
         * @param parts the batches' scores, in order
         * @param images each batch's number of images
         * @return the joined scores
         */
        public static Scores join(List<Scores> parts, List<Integer> images) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
            for (Scores part : parts) {
                part.values().forEach((metric, byMethod) -> byMethod.forEach((method, v) -> values.computeIfAbsent(
                        metric, k -> new LinkedHashMap<>()).merge(method, v, MethodEvaluation::concat)));
            }
            int total = images.stream().mapToInt(Integer::intValue).sum();
            return new Scores(values, weighted(parts.stream().map(Scores::deletion).toList(), images, total),
                    weighted(parts.stream().map(Scores::insertion).toList(), images, total));
        }

        private static Map<String, double[]> weighted(List<Map<String, double[]>> curves, List<Integer> images,
                                                      int total) {
            Map<String, double[]> out = new LinkedHashMap<>();
            for (int k = 0; k < curves.size(); k++) {
                double w = images.get(k) / (double) total;
                curves.get(k).forEach((method, curve) -> {
                    double[] sum = out.computeIfAbsent(method, m -> new double[curve.length]);
                    for (int i = 0; i < curve.length; i++) {
                        sum[i] += w * curve[i];
                    }
                });
            }
            return out;
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Scores the methods on the batch.
     *
     * @param given maps for the first method instead of computed ones (N x H x W in [0, 1]), and then that method
     *     alone; or null
     * @param metricOptions the metrics' own settings (Deletion's steps, ...)
     * @param curves whether to average the deletion and insertion curves too
     * @param step called after each metric of each method (a progress bar's step)
     */
    public static Scores run(Batch batch, List<MethodChoice> methods, Tensor given, EvaluationRequest request,
                             Map<String, String> metricOptions, boolean curves, Runnable step) {
        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
        Map<String, double[]> deletion = new LinkedHashMap<>();
        Map<String, double[]> insertion = new LinkedHashMap<>();
        RoadSettings road = request.road();
        for (MethodChoice choice : given != null ? methods.subList(0, 1) : methods) {
            String name = choice.method().name();
            try (Cam cam = new Cam(batch.model(), choice.method(), batch.layers(), choice.options())) {
                Tensor maps = given != null ? given : cam.compute(batch.input(), batch.targets()).cams();
                MetricContext context = new MetricContext(batch.model(), batch.input(), maps, batch.targets(),
                        road.percentiles().get(0), road.percentiles(), road.noise(), road.seed(), cam)
                        .withGroundTruth(batch.groundTruth()).withOptions(metricOptions);
                if (curves) {
                    deletion.put(name, meanCurve(context, false));
                    insertion.put(name, meanCurve(context, true));
                }
                for (CamMetric metric : request.metrics()) {
                    MetricScores.scores(metric, context).forEach((metricName, v) -> values.computeIfAbsent(metricName,
                            k -> new LinkedHashMap<>()).put(name, v));
                    step.run();
                }
            }
        }
        return new Scores(values, deletion, insertion);
    }

    /** The deletion (or insertion) curve averaged over the images. */
    private static double[] meanCurve(MetricContext context, boolean insertion) {
        double[][] c = org.cam4j.methods.metrics.DeletionCurve.curves(context, insertion);
        double[] mean = new double[c[0].length];
        for (double[] row : c) {
            for (int k = 0; k < row.length; k++) {
                mean[k] += row[k] / c.length;
            }
        }
        return mean;
    }
}
