package org.cam4j.target;

import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.tensor.Npy;

/**
 * The built-in target types by name, for {@code --target NAME:SPEC}: {@code class:281}, {@code softmax:281},
 * {@code binary:1}, {@code raw} (sum of all outputs), {@code rest:281} (ReST), {@code softmax_output} (the sum of every
 * probability), {@code segmentation:CLASS:mask.npy}, {@code similarity:concept.npy}.
 */
public final class BuiltinTargets {
    private BuiltinTargets() {
    }

    static int integer(String spec, String what) {
        try {
            return Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " takes an integer class, got '" + spec + "'");
        }
    }

    @AutoService(TargetProvider.class)
    public static final class ClassLogit implements TargetProvider {
        public String name() {
            return "class";
        }

        public List<String> aliases() {
            return List.of("logit", "ClassifierOutputTarget");
        }

        public Target create(String spec) {
            return new ClassifierOutputTarget(integer(spec, "class:"));
        }
    }

    @AutoService(TargetProvider.class)
    public static final class Softmax implements TargetProvider {
        public String name() {
            return "softmax";
        }

        public List<String> aliases() {
            return List.of("ClassifierOutputSoftmaxTarget");
        }

        public Target create(String spec) {
            return new SoftmaxTarget(integer(spec, "softmax:"));
        }
    }

    @AutoService(TargetProvider.class)
    public static final class ReSt implements TargetProvider {
        public String name() {
            return "rest";
        }

        public List<String> aliases() {
            return List.of("ClassifierOutputReST");
        }

        public Target create(String spec) {
            return new ReStTarget(integer(spec, "rest:"));
        }
    }

    @AutoService(TargetProvider.class)
    public static final class SoftmaxOutput implements TargetProvider {
        public String name() {
            return "softmax_output";
        }

        public List<String> aliases() {
            return List.of("SoftmaxOutputTarget");
        }

        public Target create(String spec) {
            return new SoftmaxOutputTarget();
        }
    }

    @AutoService(TargetProvider.class)
    public static final class Binary implements TargetProvider {
        public String name() {
            return "binary";
        }

        public List<String> aliases() {
            return List.of("BinaryClassifierOutputTarget");
        }

        public Target create(String spec) {
            return new BinaryClassifierTarget(integer(spec, "binary:"));
        }
    }

    @AutoService(TargetProvider.class)
    public static final class Raw implements TargetProvider {
        public String name() {
            return "raw";
        }

        public List<String> aliases() {
            return List.of("RawScoresOutputTarget");
        }

        public Target create(String spec) {
            return new AllOutputs();
        }
    }

    /** The sum of every output, whatever the output's shape. */
    record AllOutputs() implements Target {
        @Override
        public double score(org.cam4j.tensor.Tensor output) {
            double s = 0;
            for (int i = 0; i < output.size(); i++) {
                s += output.at(i);
            }
            return s;
        }

        @Override
        public org.cam4j.tensor.Tensor seed(org.cam4j.tensor.Tensor output) {
            return RawScoresTarget.allOnes(output.shape()).weights();
        }

        @Override
        public boolean isLinear() {
            return true;
        }
    }

    @AutoService(TargetProvider.class)
    public static final class Segmentation implements TargetProvider {
        public String name() {
            return "segmentation";
        }

        public List<String> aliases() {
            return List.of("SemanticSegmentationTarget");
        }

        public Target create(String spec) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("segmentation takes CLASS:mask.npy, got '" + spec + "'");
            }
            return new SemanticSegmentationTarget(integer(spec.substring(0, colon), "segmentation:"),
                    Npy.read(Path.of(spec.substring(colon + 1))));
        }
    }

    @AutoService(TargetProvider.class)
    public static final class Similarity implements TargetProvider {
        public String name() {
            return "similarity";
        }

        public List<String> aliases() {
            return List.of("SimilarityToConceptTarget");
        }

        public Target create(String spec) {
            return new SimilarityTarget(Npy.read(Path.of(spec)));
        }
    }
}
