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
    public enum Files { READ, REFUSE }

    private TargetSpecs() {
    }

    /** One target; {@code outputs} is the model's number of outputs per image (-1: unknown). */
    public static Target parse(String text, Labels labels, int outputs, Files files) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new RequestException("empty target; give a class (281 or a label name) or TYPE:SPEC");
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
