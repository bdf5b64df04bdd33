package org.cam4j.engine;

import org.cam4j.plugin.ProviderRegistry;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.TargetProvider;
import org.cam4j.targets.Targets;

/**
 * Targets written as text, read by one rule behind every door: {@code TYPE:SPEC} is a target type with its spec
 * ({@code softmax:281}, {@code similarity:concept.npy}); a bare integer or label name is that class's raw logit
 * ({@code 281}, {@code dog}); a bare type name is the type without a spec ({@code raw}).
 */
public final class TargetSpecs {
    /** Whether target specs may name files to read: yes on the command line and in a batch YAML, never in a request. */
    public enum Files {
        /** Specs may read files (the command line, a batch YAML). */
        READ,
        /** A spec naming a file is refused (a server's request). */
        REFUSE
    }

    private TargetSpecs() {
    }

    /**
     * The similarity target whose concept is another photo's embedding, taken through the same model and
     * preprocessing ({@code similarity-image:PHOTO}).
     */
    public static final String CONCEPT_IMAGE = "similarity-image";

    /** One target; {@code outputs} is the model's number of outputs per image (-1: unknown). */
    public static Target parse(String text, Labels labels, int outputs, Files files) {
        return parse(text, labels, outputs, files, null);
    }

    /**
     * One target, {@code similarity-image:PHOTO} included when {@code embedding} (a photo to the model's output for
     * it) is given.
     */
    public static Target parse(String text, Labels labels, int outputs, Files files,
                               java.util.function.Function<java.nio.file.Path, org.cam4j.tensor.Tensor> embedding) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new RequestException("empty target; give a class (281 or a label name) or TYPE:SPEC");
        }
        if (t.startsWith(CONCEPT_IMAGE + ":")) {
            if (files == Files.REFUSE) {
                throw new RequestException("target '" + t + "' names a file to read, which a request may not");
            }
            if (embedding == null) {
                throw new RequestException(CONCEPT_IMAGE + " targets need the model to embed the photo; give them to"
                        + " cam explain or cam evaluate");
            }
            return new org.cam4j.targets.SimilarityTarget(embedding.apply(java.nio.file.Path.of(
                    t.substring(CONCEPT_IMAGE.length() + 1))));
        }
        ProviderRegistry<TargetProvider> types = Targets.types();
        int colon = t.indexOf(':');
        if (colon < 0 && (t.matches("-?\\d+") || labels.knows(t) || !types.contains(t))) {
            return new ClassifierOutputTarget(labels.index(t, outputs));
        }
        TargetProvider provider;
        try {
            provider = types.get(colon < 0 ? t : t.substring(0, colon));
        } catch (IllegalArgumentException e) {
            throw new RequestException(e.getMessage());
        }
        if (files == Files.REFUSE && provider.readsFiles()) {
            throw new RequestException("target '" + t + "' names a file to read, which a request may not: "
                    + provider.name() + " targets are given on the command line or in a batch YAML");
        }
        try {
            return provider.create(colon < 0 ? "" : t.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new RequestException(e.getMessage());
        }
    }
}
