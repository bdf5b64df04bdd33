package org.cam4j.plugin;

import java.util.List;

/** Something found on the classpath with {@link java.util.ServiceLoader}: a canonical name and its aliases. */
public interface Provider {
    /**
     * The canonical name, as users type it (matched ignoring case, '_' and '-').
     *
     * @return the name, unique among the providers of its kind
     */
    String name();

    /**
     * Other names that resolve to this provider.
     *
     * @return other names, none by default
     */
    default List<String> aliases() {
        return List.of();
    }

    /**
     * One line for listings.
     *
     * @return one line, empty by default
     */
    default String description() {
        return "";
    }
}
