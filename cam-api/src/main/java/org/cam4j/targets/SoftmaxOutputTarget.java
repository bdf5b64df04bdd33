package org.cam4j.targets;

import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code SoftmaxOutputTarget}: every softmax probability, summed (as its BaseCAM sums a target's
 * outputs). The sum is always 1, so the gradient is zero and gradient methods give empty maps; kept for parity with
 * the reference's target set, and useful with perturbation methods only as a control.
 */
public record SoftmaxOutputTarget() implements Target {
    @Override
    public double score(Tensor output) {
        return 1.0;
    }

    @Override
    public Tensor seed(Tensor output) {
        return Tensor.zeros(output.shape());
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
