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
        Tensor input = context.input();
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < input.dim(0); i++) {
            Tensor chw = context.nhwc() ? input.slice(i).transpose(2, 0, 1) : input.slice(i).copy();
            Tensor perturbed = perturb.apply(chw, context.cams().slice(i));
            rows.add(context.nhwc() ? perturbed.transpose(1, 2, 0) : perturbed);
        }
        double[] before = context.scores(input);
        double[] after = context.scores(Tensor.stack(rows));
        double[] diff = new double[before.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = (float) ((float) after[i] - (float) before[i]);
        }
        return diff;
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
