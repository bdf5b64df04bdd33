package org.cam4j.targets;

import org.cam4j.math.CamOps;
import org.cam4j.tensor.Tensor;

/**
 * The softmax probability of one class: score = p[c], p = softmax(y); d score / d y = p[c] (e_c - p);
 * d2 score / dy_j dy_l = p_c ((d_cj - p_j)(d_cl - p_l) - p_j (d_jl - p_l)).
 * The reference's {@code ClassifierOutputSoftmaxTarget}.
 */
public record SoftmaxTarget(int category) implements Target {
    @Override
    public double score(Tensor output) {
        return CamOps.softmax(output)[Targets.requireClass(category, output)];
    }

    @Override
    public Tensor seed(Tensor output) {
        Targets.requireClass(category, output);
        double[] p = CamOps.softmax(output);
        float[] g = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            g[j] = (float) (p[category] * ((j == category ? 1 : 0) - p[j]));
        }
        return Tensor.of(g, output.shape());
    }

    /** H v = p_c ((e_c - p)((e_c - p) . v) - p * v + p (p . v)), from the second derivative above. */
    @Override
    public Tensor hessianTimes(Tensor output, Tensor vector) {
        int c = Targets.requireClass(category, output);
        double[] p = CamOps.softmax(output);
        double cv = 0;
        double pv = 0;
        for (int j = 0; j < p.length; j++) {
            cv += ((j == c ? 1 : 0) - p[j]) * vector.at(j);
            pv += p[j] * vector.at(j);
        }
        float[] h = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            h[j] = (float) (p[c] * (((j == c ? 1 : 0) - p[j]) * cv - p[j] * vector.at(j) + p[j] * pv));
        }
        return Tensor.of(h, output.shape());
    }
}
