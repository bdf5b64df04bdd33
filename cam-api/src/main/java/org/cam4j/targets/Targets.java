package org.cam4j.targets;

import java.util.ArrayList;
import java.util.List;
import org.cam4j.plugin.ProviderRegistry;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/** Building per-image target lists, and the seeds of a batch. */
public final class Targets {
    private Targets() {
    }

    /**
     * Class-logit targets, one per image; a single class applies to every image.
     *
     * @param batch the number of images
     * @param categories one class per image, or one for all
     * @return one target per image
     */
    public static List<Target> classes(int batch, List<Integer> categories) {
        if (categories == null || categories.isEmpty()) {
            return topClass(batch);
        }
        if (categories.size() != 1 && categories.size() != batch) {
            throw new InvalidInputException("got " + categories.size() + " classes for " + batch
                    + " images; give one class for all images or one per image");
        }
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            out.add(new ClassifierOutputTarget(categories.get(categories.size() == 1 ? 0 : i)));
        }
        return out;
    }

    /**
     * Each image's own top class (the reference's {@code targets=None}).
     *
     * @return the top-class target
     */
    public static Target topClass() {
        return TopClassTarget.INSTANCE;
    }

    /**
     * Whether {@code t} is {@link #topClass()}, which backends may resolve inside the run.
     *
     * @param t a target
     * @return whether it is the top-class target
     */
    public static boolean isTopClass(Target t) {
        return t instanceof TopClassTarget;
    }

    /**
     * {@link #topClass()} for each of {@code batch} images (a list the caller may change).
     *
     * @param batch the number of images
     * @return one top-class target per image
     */
    public static List<Target> topClass(int batch) {
        return new ArrayList<>(java.util.Collections.nCopies(batch, topClass()));
    }

    /** {@code category}, checked to index one of the output's values. */
    static int requireClass(int category, Tensor output) {
        if (category < 0 || category >= output.size()) {
            throw new InvalidInputException("class " + category + " is outside the model's " + output.size()
                    + " outputs; give a class from 0 to " + (output.size() - 1));
        }
        return category;
    }

    /**
     * Whether a target reads a detector's outputs (one detection, or reference boxes) rather than class scores.
     *
     * @param t a target
     * @return whether it is a detection or box-score target
     */
    public static boolean isDetection(Target t) {
        return t instanceof DetectionScoreTarget || t instanceof BoxScoreTarget;
    }

    /**
     * Replaces {@link #topClass()} entries by the class of the argmax of each image's output.
     *
     * @param targets one per image
     * @param outputs the model's outputs for the batch
     * @return the targets with top-class entries made class targets
     */
    public static List<Target> resolve(List<Target> targets, Tensor outputs) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = java.util.Objects.requireNonNull(targets.get(i),
                    "target of image " + i + " is null; for the image's top class use Targets.topClass()");
            out.add(isTopClass(t) ? new ClassifierOutputTarget(outputs.slice(i).argmax()) : t);
        }
        return out;
    }

    /**
     * The backward seeds of a batch, N x output shape, from each image's output.
     *
     * @param targets one per image
     * @param outputs the model's outputs for the batch
     * @return d(score)/d(output) of every image, stacked
     */
    public static Tensor seeds(List<Target> targets, Tensor outputs) {
        List<Tensor> rows = new ArrayList<>();
        List<Target> resolved = resolve(targets, outputs);
        for (int i = 0; i < resolved.size(); i++) {
            rows.add(resolved.get(i).seed(outputs.slice(i)));
        }
        return Tensor.stack(rows);
    }

    /**
     * A target of a user-defined type, {@code name:spec}, from the {@link TargetProvider}s on the classpath.
     *
     * @param nameAndSpec the type's name or alias, a colon, and its spec
     * @return the target; an unknown type or malformed spec is refused in one line
     */
    public static Target custom(String nameAndSpec) {
        int colon = nameAndSpec.indexOf(':');
        String name = colon < 0 ? nameAndSpec : nameAndSpec.substring(0, colon);
        String spec = colon < 0 ? "" : nameAndSpec.substring(colon + 1);
        return types().get(name).create(spec);
    }

    /**
     * The target types on the classpath, by name and alias.
     *
     * @return every target type, plugins included
     */
    public static ProviderRegistry<TargetProvider> types() {
        return ProviderRegistry.load("target type", TargetProvider.class);
    }
}
