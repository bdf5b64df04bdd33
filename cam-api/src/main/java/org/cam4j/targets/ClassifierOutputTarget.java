package org.cam4j.targets;

import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/** The raw logit of one class: score = y[c]. The reference's {@code ClassifierOutputTarget}. */
public record ClassifierOutputTarget(int category) implements Target {
    /** Refuses a negative category. */
    public ClassifierOutputTarget {
        if (category < 0) {
            throw new InvalidInputException("class index must be >= 0, got " + category);
        }
    }

    @Override
    public double score(Tensor output) {
        return output.reshape(-1).at(Targets.requireClass(category, output));
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor w = Tensor.zeros(output.shape());
        w.put(Targets.requireClass(category, output), 1f);
        return w;
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
