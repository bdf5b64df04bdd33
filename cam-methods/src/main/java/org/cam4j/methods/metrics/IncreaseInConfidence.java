package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/** 1 where score(x * cam) > score(x), else 0 (averaged over images it is the fraction that gained). */
@AutoService(CamMetric.class)
public final class IncreaseInConfidence implements CamMetric {
    @Override
    public String name() {
        return "IncreaseInConfidence";
    }

    @Override
    public String description() {
        return "1 where keeping only the map raises the score";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        double[] change = new CamMultImageConfidenceChange().evaluate(context);
        for (int i = 0; i < change.length; i++) {
            change[i] = change[i] > 0 ? 1 : 0;
        }
        return change;
    }
}
