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
public interface Target {
    /** The score for one image's output (the output without its batch axis). */
    double score(Tensor output);

    /** d(score)/d(output), shaped like {@code output}. */
    Tensor seed(Tensor output);

    /** True when {@link #seed} is the same for every output. */
    default boolean isLinear() {
        return false;
    }

    /**
     * d2(score)/d(output)2 times {@code vector} (shaped like the output), or null when this target does not know its
     * Hessian. Linear targets give zeros.
     */
    default Tensor hessianTimes(Tensor output, Tensor vector) {
        return isLinear() ? Tensor.zeros(output.shape()) : null;
    }
}
