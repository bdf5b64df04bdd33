package org.cam4j.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;

/**
 * Which CAM methods a run computes and how, read by one rule behind every door ({@code --method}, {@code --option},
 * {@code --batch-size} on the command line, a YAML's {@code methods[]} entry, a served request's {@code methods}
 * and {@code options}): the perturbation batch is 'auto' or a whole number in range, the smoothing flags apply to
 * every method, and options given once for all methods go to the methods that read them; a key that no chosen
 * method reads is refused.
 *
 * @param methods        the methods, each once, in the order given ({@link #methods(List)})
 * @param batchSize      perturbed inputs per run as written: 'auto' (or null) or a whole number
 * @param eigenSmooth    project every map on its first principal component
 * @param augSmooth      average every map over flips and brightness changes
 * @param allowNonFinite compute even when inputs, logits or gradients hold NaN or Inf values
 * @param options        method options by key, as strings ({@code k=2}); null for none
 */
public record MethodRequest(List<CamMethod> methods, String batchSize, boolean eigenSmooth, boolean augSmooth,
                            boolean allowNonFinite, Map<String, String> options) {
    /** The method a request that names none runs. */
    public static final String DEFAULT_METHOD = "GradCAM";

    /** Copies the lists; no options is an empty map. */
    public MethodRequest {
        methods = List.copyOf(methods);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /**
     * One method with its options already typed (the Java entry points), to be read by the same rule: an option key
     * the method does not read is refused there as at every other door.
     */
    public static MethodRequest of(String name, CamOptions options) {
        return new MethodRequest(methods(List.of(name)), options.batchSize() == CamOptions.AUTO_BATCH_SIZE ? "auto"
                : String.valueOf(options.batchSize()), options.eigenSmooth(), options.augSmooth(),
                options.allowNonFinite(), options.extra());
    }

    /** The methods of {@code names}, each once in the order given, {@value #DEFAULT_METHOD} when none. */
    public static List<CamMethod> methods(List<String> names) {
        return Methods.distinct(names == null || names.isEmpty() ? List.of(DEFAULT_METHOD) : names);
    }

    /**
     * Each method with its options, checked before anything runs; {@code fields} names {@code batch_size} and
     * {@code option} (a method option's key) in the door's words.
     */
    public List<MethodChoice> choices(FieldNames fields) {
        int batch = Limits.batchSize(batchSize, fields.of("batch_size"));
        CamOptions shared = new CamOptions(eigenSmooth, augSmooth, batch, Map.of(), allowNonFinite);
        for (String key : options.keySet()) {
            if (methods.stream().noneMatch(m -> m.optionNames().contains(key))) {
                TreeSet<String> known = new TreeSet<>();
                methods.forEach(m -> known.addAll(m.optionNames()));
                throw new RequestException("unknown " + fields.of("option") + " '" + key + "' for " + String.join(", ",
                        methods.stream().map(CamMethod::name).toList()) + "; " + (known.isEmpty()
                        ? "these methods take no options" : "known: " + String.join(", ", known)));
            }
        }
        Map<CamMethod, MethodChoice> out = new LinkedHashMap<>();
        for (CamMethod m : methods) {
            Map<String, String> own = new HashMap<>(options);
            own.keySet().retainAll(m.optionNames());
            out.put(m, new MethodChoice(m, shared.withExtra(own)));
        }
        return List.copyOf(out.values());
    }
}
