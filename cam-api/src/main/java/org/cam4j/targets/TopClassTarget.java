package org.cam4j.targets;

import org.cam4j.tensor.Tensor;

/**
 * Each image's own top class: the raw logit of its output's largest value, what the reference explains when it is
 * given no targets ({@code targets=None}). The class is chosen from the output of the same run, so backends that
 * can (the ONNX graph adds the one-hot of the argmax to the seed) explain it in one pass; {@link Targets#resolve}
 * turns it into the {@link ClassifierOutputTarget} of that class. Get it from {@link Targets#topClass()}.
 */
public final class TopClassTarget implements Target {
    static final TopClassTarget INSTANCE = new TopClassTarget();

    private TopClassTarget() {
    }

    @Override
    public double score(Tensor output) {
        return output.at(output.argmax());
    }

    @Override
    public Tensor seed(Tensor output) {
        return new ClassifierOutputTarget(output.argmax()).seed(output);
    }

    /** The logit of one class: zero curvature wherever the top class does not change. */
    @Override
    public Tensor hessianTimes(Tensor output, Tensor vector) {
        return Tensor.zeros(output.shape());
    }

    @Override
    public String toString() {
        return "top class";
    }
}
