package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;

/**
 * The energy-based pointing game (Score-CAM, Wang et al., CVPR-W 2020): the share of the map's total on the object,
 * sum(map * mask) / sum(map). Higher is better.
 */
@AutoService(CamMetric.class)
public final class EnergyPointingGame implements CamMetric {
    @Override
    public String name() {
        return "EnergyPointingGame";
    }

    @Override
    public String description() {
        return "share of the map's energy on the object (needs object masks or boxes); higher = better";
    }

    @Override
    public boolean needsGroundTruth() {
        return true;
    }

    @Override
    public double[] evaluate(MetricContext context) {
        Tensor masks = PointingGame.requireMasks(context, name());
        double[] out = new double[masks.dim(0)];
        for (int i = 0; i < out.length; i++) {
            Tensor cam = context.cams().slice(i);
            Tensor mask = masks.slice(i);
            double inside = 0;
            double total = 0;
            for (int p = 0; p < cam.size(); p++) {
                inside += cam.at(p) * (mask.at(p) > 0.5f ? 1 : 0);
                total += cam.at(p);
            }
            out[i] = total > 0 ? inside / total : 0;
        }
        return out;
    }
}
