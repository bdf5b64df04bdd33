package org.cam4j.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;

/**
 * Method options given once for several methods ({@code --option k=2} with {@code --method FEM GradCAM}): every key
 * must be one that some chosen method reads, and each method gets only its own keys.
 */
public final class MethodOptions {
    private MethodOptions() {
    }

    /**
     * Each method's options: {@code base} with the given keys that method reads; a key no method reads is refused
     * naming {@code option}.
     */
    public static Map<CamMethod, CamOptions> forEach(List<CamMethod> methods, Map<String, String> given, CamOptions base,
                                              String option) {
        Map<String, String> options = given == null ? Map.of() : given;
        for (String key : options.keySet()) {
            if (methods.stream().noneMatch(m -> m.optionNames().contains(key))) {
                TreeSet<String> known = new TreeSet<>();
                methods.forEach(m -> known.addAll(m.optionNames()));
                throw new RequestException("unknown " + option + " '" + key + "' for " + String.join(", ", methods.stream()
                        .map(CamMethod::name).toList()) + "; " + (known.isEmpty() ? "these methods take no options"
                        : "known: " + String.join(", ", known)));
            }
        }
        Map<CamMethod, CamOptions> out = new LinkedHashMap<>();
        for (CamMethod m : methods) {
            Map<String, String> own = new HashMap<>(options);
            own.keySet().retainAll(m.optionNames());
            out.put(m, base.withExtra(own));
        }
        return out;
    }
}
