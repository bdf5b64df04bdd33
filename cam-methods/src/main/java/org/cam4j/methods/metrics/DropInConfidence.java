package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/** max(0, score(x) - score(x * cam)): the confidence lost keeping only what the map shows (lower is better). */
@AutoService(CamMetric.class)
public final class DropInConfidence implements CamMetric {
    @Override
    public String name() {
        return "DropInConfidence";
    }

    @Override
    public String description() {
        return "max(0, score drop) keeping only the map; lower = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        double[] change = new CamMultImageConfidenceChange().evaluate(context);
        for (int i = 0; i < change.length; i++) {
            change[i] = Math.max(-change[i], 0);
        }
        return change;
    }
}
