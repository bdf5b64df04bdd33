package org.cam4j.targets;

import org.cam4j.tensor.Tensor;

/**
 * Turns one image's model output into the scalar score that is explained, the reference's
 * {@code ClassifierOutputTarget} and friends.
 *
 * <p>The backward pass starts from {@link #seed}: d(score)/d(output). For a linear target (a fixed weighting of
 * the outputs) the seed does not depend on the output, so backends can seed the backward pass without a first
 * forward pass.
 */
@FunctionalInterface
public interface Target {
    /**
     * The score for one image's output.
     *
     * @param output the model's output for one image, without its batch axis
     * @return the score that is explained
     */
    double score(Tensor output);

    /**
     * d(score)/d(output), shaped like {@code output}. By default central differences of {@link #score}, one pair of
     * evaluations per output value with a step of 1e-3 of the value's magnitude (at least 1e-3): exact up to
     * rounding for a linear score, so a lambda is a target ({@code Target t = out -> out.at(281) - out.at(282);});
     * every built-in target gives its exact derivative instead.
     *
     * @param output the model's output for one image, without its batch axis
     * @return d(score)/d(output), shaped like the output
     */
    default Tensor seed(Tensor output) {
        Tensor probe = output.copy();
        Tensor seed = Tensor.zeros(output.shape());
        for (int i = 0; i < output.size(); i++) {
            float x = output.at(i);
            float h = (float) (1e-3 * Math.max(1, Math.abs(x)));
            probe.put(i, x + h);
            double up = score(probe);
            probe.put(i, x - h);
            double down = score(probe);
            probe.put(i, x);
            seed.put(i, (float) ((up - down) / (2.0 * h)));
        }
        return seed;
    }

    /**
     * Whether {@link #seed} is the same for every output (it may then be computed from zeros, before any run).
     *
     * @return false by default
     */
    default boolean isLinear() {
        return false;
    }

    /**
     * d2(score)/d(output)2 times {@code vector} (shaped like the output), or null when this target does not know its
     * Hessian. Linear targets give zeros.
     *
     * @param output the model's output for one image, without its batch axis
     * @param vector a direction, shaped like the output
     * @return the product, shaped like the output, or null
     */
    default Tensor hessianTimes(Tensor output, Tensor vector) {
        return isLinear() ? Tensor.zeros(output.shape()) : null;
    }
}
