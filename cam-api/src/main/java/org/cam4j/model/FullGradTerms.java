package org.cam4j.model;

import java.util.List;
import org.cam4j.tensor.Tensor;

/**
 * What FullGrad sums: the input gradient (shaped like the input) and per biased op its bias (C values) and the
 * gradient of the target scores with respect to its output (N x C x h x w).
 */
public record FullGradTerms(Tensor inputGradient, List<Bias> biases) {
    /** One layer's bias (per channel) and the gradient at its output. */
    public record Bias(String name, float[] bias, Tensor gradient) {
    }

    /**
     * An inference batch norm's bias as FullGrad counts it: beta - mean * gamma / sqrt(var + eps), per channel.
     *
     * @param gamma the scale per channel
     * @param beta the shift per channel
     * @param mean the running mean per channel
     * @param var the running variance per channel
     * @param eps the variance's epsilon
     * @return the bias per channel
     */
    public static float[] batchNormBias(float[] gamma, float[] beta, float[] mean, float[] var, float eps) {
        float[] out = new float[beta.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = beta[c] - mean[c] * gamma[c] / (float) Math.sqrt(var[c] + eps);
        }
        return out;
    }
}
