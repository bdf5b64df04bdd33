package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/** ROADCombined = (mean over percentiles of LeRF - mean of MoRF) / 2 (higher = more faithful). */
@AutoService(CamMetric.class)
public final class RoadCombined implements CamMetric {
    @Override
    public String name() {
        return "ROADCombined";
    }

    @Override
    public String description() {
        return "(mean LeRF - mean MoRF) / 2 over the percentiles; higher = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        int n = context.input().dim(0);
        double[] lerf = new double[n];
        double[] morf = new double[n];
        for (double p : context.percentiles()) {
            double[] l = RoadMostRelevantFirst.road(context.atPercentile(p), true);
            double[] m = RoadMostRelevantFirst.road(context.atPercentile(p), false);
            for (int i = 0; i < n; i++) {
                lerf[i] += l[i] / context.percentiles().size();
                morf[i] += m[i] / context.percentiles().size();
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (lerf[i] - morf[i]) / 2;
        }
        return out;
    }
}
