package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * The pointing game (Zhang et al., ECCV 2016): 1 when the map's maximum lies on the object (its ground-truth mask,
 * {@code cam evaluate --masks} or {@code --boxes}), else 0. Higher is better.
 */
@AutoService(CamMetric.class)
public final class PointingGame implements CamMetric {
    @Override
    public String name() {
        return "PointingGame";
    }

    @Override
    public String description() {
        return "1 when the map's maximum is on the object (needs object masks or boxes); higher = better";
    }

    @Override
    public boolean needsGroundTruth() {
        return true;
    }

    @Override
    public double[] evaluate(MetricContext context) {
        Tensor masks = requireMasks(context, name());
        double[] out = new double[masks.dim(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = masks.slice(i).at(context.cams().slice(i).argmax()) > 0.5f ? 1 : 0;
        }
        return out;
    }

    static Tensor requireMasks(MetricContext context, String metric) {
        if (context.groundTruth() == null) {
            throw new InvalidInputException(metric + " needs ground truth: give object masks or"
                    + " boxes").naming("masks");
        }
        return context.groundTruth();
    }
}
