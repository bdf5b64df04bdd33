package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/**
 * Increase in confidence as the Grad-CAM++ paper counts it: 100 where the class probability of the image multiplied
 * by its map exceeds that of the image, else 0 (averaged: the percentage of images; higher is better).
 */
@AutoService(CamMetric.class)
public final class AverageIncrease implements CamMetric {
    @Override
    public String name() {
        return "AverageIncrease";
    }

    @Override
    public String description() {
        return "100 where keeping only the map raises the class probability (Grad-CAM++); higher = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        double[][] yo = AverageDrop.probabilities(context);
        double[] out = new double[yo[0].length];
        for (int i = 0; i < out.length; i++) {
            out[i] = yo[1][i] > yo[0][i] ? 100 : 0;
        }
        return out;
    }
}
