package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/**
 * Insertion (RISE): from the baseline, the image's pixels are put back in order of decreasing map value; the area
 * under the class probability curve. Higher is better. Options as {@link DeletionCurve}.
 */
@AutoService(CamMetric.class)
public final class InsertionCurve implements CamMetric {
    @Override
    public String name() {
        return "Insertion";
    }

    @Override
    public String description() {
        return "area under the class probability as the most relevant pixels are inserted (RISE); higher = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        return DeletionCurve.areas(DeletionCurve.curves(context, true));
    }
}
