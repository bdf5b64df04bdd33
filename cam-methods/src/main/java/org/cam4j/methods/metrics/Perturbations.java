package org.cam4j.methods.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.cam4j.metrics.MetricContext;
import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code PerturbationConfidenceMetric}: each image perturbed by its map (as C x H x W, whatever the
 * model's layout), the batch run once, and the target score after minus the score before ({@code return_diff}).
 */
final class Perturbations {
    private Perturbations() {
    }

    /** score(perturb(x_i, cam_i)) - score(x_i), per image. */
    static double[] scoreChange(MetricContext context, BiFunction<Tensor, Tensor, Tensor> perturb) {
        double[] before = context.scores(context.input());
        double[] after = context.scores(perturbed(context, perturb));
        double[] diff = new double[before.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = (float) ((float) after[i] - (float) before[i]);
        }
        return diff;
    }

    /** The batch with each image perturbed by its map: perturb(x_i as C x H x W, cam_i), in the model's layout. */
    static Tensor perturbed(MetricContext context, BiFunction<Tensor, Tensor, Tensor> perturb) {
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < context.input().dim(0); i++) {
            rows.add(toModelLayout(context, perturb.apply(chw(context, i), context.cams().slice(i))));
        }
        return Tensor.stack(rows);
    }

    /** Image i of the batch as C x H x W (a copy). */
    static Tensor chw(MetricContext context, int i) {
        Tensor image = context.input().slice(i);
        return context.nhwc() ? image.transpose(2, 0, 1) : image.copy();
    }

    /** A C x H x W image back in the model's layout. */
    static Tensor toModelLayout(MetricContext context, Tensor chw) {
        return context.nhwc() ? chw.transpose(1, 2, 0) : chw;
    }

    /** The image (C x H x W) times its map (H x W), every channel. */
    static Tensor multiply(Tensor chw, Tensor cam) {
        int hw = cam.size();
        Tensor out = chw.copy();
        for (int k = 0; k < out.size(); k++) {
            out.put(k, out.at(k) * cam.at(k % hw));
        }
        return out;
    }
}
