package org.cam4j.target;

import org.cam4j.pipeline.CamOps;
import org.cam4j.tensor.Tensor;

/**
 * The softmax probability of one class: score = p[c], p = softmax(y); d score / d y = p[c] (e_c - p).
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
}
