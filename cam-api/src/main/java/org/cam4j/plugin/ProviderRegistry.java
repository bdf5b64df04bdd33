package org.cam4j.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.cam4j.errors.InvalidInputException;

/**
 * Every provider of one service type on the classpath, resolved by name.
 *
 * <p>Names match ignoring case, {@code '_'}, {@code '-'} and spaces, so {@code GradCAMPlusPlus},
 * {@code gradcam++} (an alias) and {@code KPCA_CAM} all resolve. Two providers claiming the same name is an error
 * that names both classes.
 */
public final class ProviderRegistry<T extends Provider> {
    private final String kind;
    private final List<T> providers;
    private final Map<String, T> byName = new LinkedHashMap<>();

    /**
     * A registry of these providers by name and alias; two with one name are refused.
     *
     * @param kind what the providers are, for messages ({@code method}, {@code backend})
     * @param providers the providers
     */
    public ProviderRegistry(String kind, Iterable<T> providers) {
        this.kind = kind;
        List<T> list = new ArrayList<>();
        for (T provider : providers) {
            list.add(provider);
            List<String> names = new ArrayList<>();
            names.add(provider.name());
            names.addAll(provider.aliases());
            for (String name : names) {
                T previous = byName.putIfAbsent(normalize(name), provider);
                if (previous != null && previous != provider) {
                    throw new IllegalStateException(kind + " name '" + name + "' is claimed by both "
                            + previous.getClass().getName() + " and " + provider.getClass().getName());
                }
            }
        }
        this.providers = Collections.unmodifiableList(list);
    }

    /**
     * The providers of {@code type} registered in {@code META-INF/services} on the given class loader.
     *
     * @param <T> the provider interface
     * @param kind what the providers are, for messages
     * @param type the provider interface
     * @param loader where to look
     * @return the registry
     */
    public static <T extends Provider> ProviderRegistry<T> load(String kind, Class<T> type, ClassLoader loader) {
        return new ProviderRegistry<>(kind, ServiceLoader.load(type, loader));
    }

    /**
     * The providers of this type that {@link java.util.ServiceLoader} finds through the context class loader.
     *
     * @param <T> the provider interface
     * @param kind what the providers are, for messages
     * @param type the provider interface
     * @return the registry
     */
    public static <T extends Provider> ProviderRegistry<T> load(String kind, Class<T> type) {
        return load(kind, type, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Lower case without '_', '-' and spaces: the key names are matched by.
     *
     * @param name a name or alias
     * @return its key
     */
    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[_\\-\\s]", "");
    }

    /**
     * Every provider, in the order they were found.
     *
     * @return the providers
     */
    public List<T> all() {
        return providers;
    }

    /**
     * Whether a provider has this name or alias (ignoring case, {@code _}, {@code -} and spaces).
     *
     * @param name a name or alias
     * @return whether a provider answers to it
     */
    public boolean contains(String name) {
        return byName.containsKey(normalize(name));
    }

    /**
     * The provider called {@code name}; an unknown name fails with the list of available names.
     *
     * @param name a name or alias
     * @return the provider
     */
    public T get(String name) {
        T provider = byName.get(normalize(name));
        if (provider == null) {
            throw new InvalidInputException("unknown " + kind + " '" + name + "'; " + (providers.isEmpty()
                    ? "no " + kind + " is on the class path: add the module or plugin jar that provides them"
                    + " (org.cam4j:cam-methods has the methods and metrics)" : "available: " + names()));
        }
        return provider;
    }

    /**
     * The providers' names, comma-separated, for messages.
     *
     * @return the names
     */
    public String names() {
        return providers.stream().map(Provider::name).collect(Collectors.joining(", "));
    }
}
