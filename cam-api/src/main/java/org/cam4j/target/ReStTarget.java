package org.cam4j.target;

import org.cam4j.pipeline.CamOps;
import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code ClassifierOutputReST} (arXiv:2501.06261), pre- and post-softmax together: score = y_c -
 * CE(y, c) = 2 y_c - logsumexp(y), so d score / d y = 2 e_c - softmax(y). (The reference calls it on one image's
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
}
