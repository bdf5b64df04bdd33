package org.cam4j.target;

import org.cam4j.tensor.Tensor;

/** The raw logit of one class: score = y[c]. The reference's {@code ClassifierOutputTarget}. */
public record ClassifierOutputTarget(int category) implements Target {
    public ClassifierOutputTarget {
        if (category < 0) {
            throw new IllegalArgumentException("class index must be >= 0, got " + category);
        }
    }

    @Override
    public double score(Tensor output) {
        return output.reshape(-1).at(checked(output));
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor w = Tensor.zeros(output.shape());
        w.put(checked(output), 1f);
        return w;
    }

    private int checked(Tensor output) {
        if (category >= output.size()) {
            throw new IllegalArgumentException("class " + category + " is outside the model's " + output.size()
                    + " outputs");
        }
        return category;
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
