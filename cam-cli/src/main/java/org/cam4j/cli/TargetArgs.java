package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.Labels;
import org.cam4j.engine.TargetSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import picocli.CommandLine.Option;

/** What to explain: classes by index or label name, or targets of any type, and the labels file naming classes. */
final class TargetArgs {
    @Option(names = "--class", split = ",", paramLabel = "C", description = {"Target class per image (or one for"
            + " all), as indices or label names. Default: each image's top class.", "With one image and several"
            + " classes (explain): one CAM per class (<image>.<method>.<class>.png). The bundled demo explains dog"
            + " and cat."})
    List<String> classes;

    @Option(names = "--target", arity = "1..*", paramLabel = "TYPE:SPEC", description = {"Targets of any type, per"
            + " image (or one for all): class:281, softmax:281, binary:1, raw, rest:281, segmentation:CLASS:mask.npy,",
        "similarity:concept.npy, similarity-image:PHOTO, or a plugin's type."})
    List<String> specs;

    @Option(names = "--concept-image", paramLabel = "PHOTO", description = {"Explain the similarity to this photo's"
            + " embedding (the model's output for it, see --embedding-output): the reference's",
        "SimilarityToConceptTarget as its embeddings tutorial builds it; the same as --target similarity-image:PHOTO."})
    Path conceptImage;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names: ImageNet JSON index or one per line.")
    Path labelsFile;

    /** A photo to the model's output for it, for similarity-image targets (set by the command once it has a model). */
    java.util.function.Function<Path, org.cam4j.tensor.Tensor> embedding;

    boolean given() {
        return classes != null || specs != null || conceptImage != null;
    }

    /**
     * The targets as written, for the engine's request: the concept photo's, the --target specs or the --class values;
     * none for each image's top class. How they are shared among images is this door's: {@link #targets}.
     */
    List<String> written() {
        return conceptImage != null ? List.of(TargetSpecs.CONCEPT_IMAGE + ":" + conceptImage) : specs != null ? specs
                : classes != null ? classes : List.of();
    }

    /** The spec given for image i of n (one for all, or one each). */
    String spec(int i) {
        return specs.get(specs.size() == 1 ? 0 : i);
    }

    /** One target per image ({@code null}: the image's top class), from --class or --target. */
    List<Target> targets(int n, Labels labels, int outputs) {
        if (conceptImage != null) {
            if (classes != null || specs != null) {
                throw new RequestException("--concept-image conflicts with --class and --target; give one of them");
            }
            specs = written();
        }
        if (specs != null && !specs.isEmpty()) {
            if (classes != null) {
                throw new RequestException("--class and --target conflict; give one of them");
            }
            if (specs.size() != 1 && specs.size() != n) {
                throw new RequestException("got " + specs.size() + " --target values for " + n
                        + " images; give one for all or one per image");
            }
            List<Target> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(TargetSpecs.parse(spec(i), labels, outputs, TargetSpecs.Files.READ, embedding));
            }
            return out;
        }
        if (classes == null || classes.isEmpty()) {
            return Targets.topClass(n);
        }
        return Targets.classes(n, classes.stream().map(c -> labels.index(c, outputs)).toList());
    }
}
