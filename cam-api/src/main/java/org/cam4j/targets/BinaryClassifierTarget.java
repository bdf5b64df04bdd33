package org.cam4j.targets;

import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * A single-output binary classifier: score = y for the positive class (1), -y for the negative class (0).
 * The reference's {@code BinaryClassifierOutputTarget}.
 */
public record BinaryClassifierTarget(int category) implements Target {
    /** Refuses a category other than 0 and 1. */
    public BinaryClassifierTarget {
        if (category != 0 && category != 1) {
            throw new InvalidInputException("binary target class must be 0 or 1, got " + category);
        }
    }

    @Override
    public double score(Tensor output) {
        return sign() * output.at(0);
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor w = Tensor.zeros(output.shape());
        w.put(0, sign());
        return w;
    }

    private float sign() {
        return category == 1 ? 1f : -1f;
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
