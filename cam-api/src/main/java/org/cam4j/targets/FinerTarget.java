package org.cam4j.targets;

import java.util.List;
import org.cam4j.math.CamOps;
import org.cam4j.tensor.Tensor;

/**
 * FinerCAM's target: the main class's logit against similar classes, weighted by their softmax probability,
 * score = sum_k p_k (y_m - alpha y_k) / (sum_k p_k + 1e-9). The reference's {@code FinerWeightedTarget}.
 */
public record FinerTarget(int main, List<Integer> comparisons, double alpha) implements Target {
    @Override
    public double score(Tensor output) {
        double[] p = CamOps.softmax(output);
        double num = 0;
        double den = 0;
        for (int k : comparisons) {
            num += p[k] * (output.at(main) - alpha * output.at(k));
            den += p[k];
        }
        return num / (den + 1e-9);
    }

    @Override
    public Tensor seed(Tensor output) {
        double[] p = CamOps.softmax(output);
        int n = p.length;
        double num = 0;
        double den = 0;
        for (int k : comparisons) {
            num += p[k] * (output.at(main) - alpha * output.at(k));
            den += p[k];
        }
        den += 1e-9;
        float[] g = new float[n];
        for (int j = 0; j < n; j++) {
            double dNum = 0;
            double dDen = 0;
            for (int k : comparisons) {
                double dp = p[k] * ((k == j ? 1 : 0) - p[j]);
                double u = output.at(main) - alpha * output.at(k);
                double du = (j == main ? 1 : 0) - alpha * (j == k ? 1 : 0);
                dNum += dp * u + p[k] * du;
                dDen += dp;
            }
            g[j] = (float) ((dNum * den - num * dDen) / (den * den));
        }
        return Tensor.of(g, output.shape());
    }
}
