package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;

/** Complexity (arXiv:2104.10252): the map's mean absolute value, 0 (empty) to 1 (all ones); lower = sparser. */
@AutoService(CamMetric.class)
public final class Complexity implements CamMetric {
    @Override
    public String name() {
        return "Complexity";
    }

    @Override
    public String description() {
        return "mean absolute map value; lower = sparser";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        Tensor cams = context.cams();
        double[] out = new double[cams.dim(0)];
        for (int i = 0; i < out.length; i++) {
            Tensor cam = cams.slice(i);
            double l1 = 0;
            for (int p = 0; p < cam.size(); p++) {
                l1 += Math.abs(cam.at(p));
            }
            out[i] = l1 / cam.size();
        }
        return out;
    }
}
