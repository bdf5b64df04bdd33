package org.cam4j.targets;

import org.cam4j.math.CamOps;
import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code ClassifierOutputReST} (arXiv:2501.06261), pre- and post-softmax together: score = y_c -
 * CE(y, c) = 2 y_c - logsumexp(y), so d score / d y = 2 e_c - softmax(y) and d2 score / dy2 = p p^T - diag(p).
 * (The reference calls it on one image's
 * output at a time, so its batch-mean cross entropy is that image's.)
 */
public record ReStTarget(int category) implements Target {
    @Override
    public double score(Tensor output) {
        Targets.requireClass(category, output);
        double max = output.max();
        double sum = 0;
        for (int j = 0; j < output.size(); j++) {
            sum += Math.exp(output.at(j) - max);
        }
        return 2.0 * output.at(category) - (max + Math.log(sum));
    }

    @Override
    public Tensor seed(Tensor output) {
        Targets.requireClass(category, output);
        double[] p = CamOps.softmax(output);
        float[] g = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            g[j] = (float) ((j == category ? 2 : 0) - p[j]);
        }
        return Tensor.of(g, output.shape());
    }

    /** H v = p (p . v) - p * v. */
    @Override
    public Tensor hessianTimes(Tensor output, Tensor vector) {
        Targets.requireClass(category, output);
        double[] p = CamOps.softmax(output);
        double pv = 0;
        for (int j = 0; j < p.length; j++) {
            pv += p[j] * vector.at(j);
        }
        float[] h = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            h[j] = (float) (p[j] * pv - p[j] * vector.at(j));
        }
        return Tensor.of(h, output.shape());
    }
}
