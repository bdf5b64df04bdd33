package org.cam4j.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.MetricContext;

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
}
