package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/**
 * ARCC (arXiv:2605.14641): the harmonic mean of Coherency, 1 - Complexity and ROAD (ROADCombined doubled and clipped
 * to [0, 1]): 3 / (1/(coh + 1e-8) + 1/(1 - complexity + 1e-8) + 1/(road + 1e-8)); higher = better.
 */
@AutoService(CamMetric.class)
public final class Arcc implements CamMetric {
    @Override
    public String name() {
        return "ARCC";
    }

    @Override
    public String description() {
        return "harmonic mean of Coherency, 1 - Complexity and ROAD; higher = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        double[] complexity = new Complexity().evaluate(context);
        double[] coherency = new Coherency().evaluate(context);
        double[] road = new RoadCombined().evaluate(context);
        double[] out = new double[complexity.length];
        for (int i = 0; i < out.length; i++) {
            double r = Math.max(0, Math.min(1, road[i] * 2));
            out[i] = 3 / (1 / (coherency[i] + 1e-8) + 1 / ((1 - complexity[i]) + 1e-8) + 1 / (r + 1e-8));
        }
        return out;
    }
}
