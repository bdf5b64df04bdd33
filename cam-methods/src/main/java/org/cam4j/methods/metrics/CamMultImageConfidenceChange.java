package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/** score(x * cam) - score(x): how the target's score changes when the image is multiplied by its map. */
@AutoService(CamMetric.class)
public final class CamMultImageConfidenceChange implements CamMetric {
    @Override
    public String name() {
        return "CamMultImageConfidenceChange";
    }

    @Override
    public String description() {
        return "score(image x map) - score(image); higher = the map keeps what matters";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        return Perturbations.scoreChange(context, Perturbations::multiply);
    }
}
