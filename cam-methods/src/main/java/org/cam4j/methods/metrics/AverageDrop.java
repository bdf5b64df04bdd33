package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/**
 * Average drop in confidence as the Grad-CAM++ paper defines it (Chattopadhyay et al., WACV 2018): per image
 * 100 * max(0, Y - O) / Y, with Y the class probability on the image and O on the image multiplied by its map;
 * averaged over images, lower is better.
 */
@AutoService(CamMetric.class)
public final class AverageDrop implements CamMetric {
    @Override
    public String name() {
        return "AverageDrop";
    }

    @Override
    public String description() {
        return "100 max(0, Y - O) / Y on class probabilities (Grad-CAM++); lower = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        double[][] yo = probabilities(context);
        double[] out = new double[yo[0].length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 100 * Math.max(0, yo[0][i] - yo[1][i]) / yo[0][i];
        }
        return out;
    }

    /** Y (the image) and O (the image times its map) as class probabilities, per image. */
    static double[][] probabilities(MetricContext context) {
        return new double[][] {context.confidences(context.input()),
            context.confidences(Perturbations.perturbed(context, Perturbations::multiply))};
    }
}
