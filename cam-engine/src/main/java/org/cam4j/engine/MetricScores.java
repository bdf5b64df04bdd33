package org.cam4j.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.MetricContext;
import org.cam4j.pipeline.Cam;
import org.cam4j.pipeline.CamResult;
import org.cam4j.tensor.Tensor;

/** A metric's values per image under the names the reports use. */
public final class MetricScores {
    private MetricScores() {
    }

    /**
     * One metric's values per image under its reported name: once per percentile of the context
     * ({@code ROADMostRelevantFirst_p20}, ...) for per-percentile metrics, else once under its own name.
     */
    public static Map<String, double[]> scores(CamMetric metric, MetricContext context) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (!metric.perPercentile()) {
            out.put(metric.name(), metric.evaluate(context));
            return out;
        }
        for (double p : context.percentiles()) {
            out.put(metric.name() + "_p" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)),
                    metric.evaluate(context.atPercentile(p)));
        }
        return out;
    }

    /**
     * Every metric's values per row for one method's maps of a batch ({@code result}, computed on {@code input}),
     * under the reports' names; empty when no metric is asked for. Coherency and ARCC recompute maps with the same
     * method, options and layers.
     */
    public static Map<String, double[]> scores(List<CamMetric> metrics, ImageExplainer explainer, MethodChoice method,
                                               Tensor input, CamResult result, RoadSettings road,
                                               Map<String, String> options) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (metrics.isEmpty()) {
            return out;
        }
        try (Cam cam = explainer.cam(method.method(), method.options())) {
            MetricContext context = new MetricContext(explainer.model(), input, result.cams(), result.targets(),
                    road.percentiles().get(0), road.percentiles(), road.noise(), road.seed(), cam)
                    .withOptions(options);
            for (CamMetric metric : metrics) {
                out.putAll(scores(metric, context));
            }
        }
        return out;
    }
}
