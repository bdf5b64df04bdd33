package org.cam4j.targets;

import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * The summed score of one class over a mask of an output map (K x H x W): score = sum(y[c] * mask).
 * The reference's {@code SemanticSegmentationTarget}.
 */
public record SemanticSegmentationTarget(int category, Tensor mask) implements Target {
    @Override
    public double score(Tensor output) {
        Tensor plane = plane(output);
        double s = 0;
        for (int i = 0; i < plane.size(); i++) {
            s += plane.at(i) * mask.at(i);
        }
        return s;
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor w = Tensor.zeros(output.shape());
        w.slice(category).copyFrom(mask);
        return w;
    }

    private Tensor plane(Tensor output) {
        if (output.rank() != 3) {
            throw new InvalidInputException("segmentation target needs a K x H x W output per image, got "
                    + java.util.Arrays.toString(output.shape()));
        }
        Tensor plane = output.slice(category);
        plane.requireShape(mask.shape());
        return plane;
    }

    @Override
    public boolean isLinear() {
        return true;
    }
}
