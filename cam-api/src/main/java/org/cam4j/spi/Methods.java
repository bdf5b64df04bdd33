package org.cam4j.spi;

import org.cam4j.plugin.ProviderRegistry;

/** The CAM methods on the classpath. */
public final class Methods {
    private Methods() {
    }

    /**
     * Every CAM method on the class path (plugins included), by name.
     *
     * @return the registry
     */
    public static ProviderRegistry<CamMethod> registry() {
        return ProviderRegistry.load("method", CamMethod.class);
    }

    /**
     * The method of this name (or alias); unknown names are refused with the list of known ones.
     *
     * @param name a name or alias
     * @return the method
     */
    public static CamMethod get(String name) {
        return registry().get(name);
    }

    /**
     * The named methods, each once (names are matched as {@link #get} does), in the order first given.
     *
     * @param names names or aliases
     * @return the methods, without repeats
     */
    public static java.util.List<CamMethod> distinct(java.util.List<String> names) {
        ProviderRegistry<CamMethod> registry = registry();
        java.util.Map<String, CamMethod> byName = new java.util.LinkedHashMap<>();
        for (String name : names) {
            CamMethod m = registry.get(name);
            byName.putIfAbsent(m.name(), m);
        }
        return java.util.List.copyOf(byName.values());
    }
}
