package org.cam4j.targets;

import org.cam4j.tensor.Tensor;

/**
 * A fixed weighting of all outputs: score = sum(W * y). With W all ones this is the reference's
 * {@code RawScoresOutputTarget}; any W gives a linear combination of classes.
 */
public record RawScoresTarget(Tensor weights) implements Target {
    /** All outputs weighted 1. */
    public static RawScoresTarget allOnes(int... outputShape) {
        Tensor w = Tensor.zeros(outputShape);
        for (int i = 0; i < w.size(); i++) {
            w.put(i, 1f);
        }
        return new RawScoresTarget(w);
    }

    @Override
    public double score(Tensor output) {
        check(output);
        double s = 0;
        for (int i = 0; i < output.size(); i++) {
            s += weights.at(i) * output.at(i);
        }
        return s;
    }

    @Override
    public Tensor seed(Tensor output) {
        check(output);
        return weights.copy();
    }

    private void check(Tensor output) {
        if (weights.size() != output.size()) {
            output.requireShape(weights.shape());
        }
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
