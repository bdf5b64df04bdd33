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
    /**
     * Whether target specs may name files to read, and where a relative name is found: on the command line from the
     * working folder, in a batch YAML from the YAML's folder, never in a server's request.
     *
     * @param read   whether a spec may name a file
     * @param folder where relative file names are found (when {@code read})
     */
    public record Files(boolean read, java.nio.file.Path folder) {
        /** Specs may read files, relative names from the working folder (the command line). */
        public static final Files READ = new Files(true, java.nio.file.Path.of(""));
        /** A spec naming a file is refused (a server's request). */
        public static final Files REFUSE = new Files(false, null);

        /** Specs may read files, relative names from {@code folder} (a batch YAML's). */
        public static Files from(java.nio.file.Path folder) {
            return new Files(true, folder);
        }
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
            if (!files.read()) {
                throw new RequestException("target '" + t + "' names a file to read, which a request may not");
            }
            if (embedding == null) {
                throw new RequestException(CONCEPT_IMAGE + " targets need the model to embed the photo; give them to"
                        + " cam explain or cam evaluate");
            }
            return new org.cam4j.targets.SimilarityTarget(embedding.apply(files.folder().resolve(
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
        if (!files.read() && provider.readsFiles()) {
            throw new RequestException("target '" + t + "' names a file to read, which a request may not: "
                    + provider.name() + " targets are given on the command line or in a batch YAML");
        }
        try {
            String spec = colon < 0 ? "" : t.substring(colon + 1);
            return files.read() ? provider.create(spec, files.folder()) : provider.create(spec);
        } catch (IllegalArgumentException e) {
            throw new RequestException(e.getMessage());
        }
    }
}
