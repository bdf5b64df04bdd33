package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.metrics.MetricContext;
import org.cam4j.spi.CamMetric;
import org.cam4j.tensor.Tensor;

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
        Tensor input = context.input();
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < input.dim(0); i++) {
            Tensor chw = context.nhwc() ? input.slice(i).transpose(2, 0, 1) : input.slice(i).copy();
            Tensor masked = Perturbations.multiply(chw, context.cams().slice(i));
            rows.add(context.nhwc() ? masked.transpose(1, 2, 0) : masked);
        }
        return new double[][] {context.confidences(input), context.confidences(Tensor.stack(rows))};
    }
}
