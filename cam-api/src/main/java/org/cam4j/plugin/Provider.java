package org.cam4j.plugin;

import java.util.List;

/** Something found on the classpath with {@link java.util.ServiceLoader}: a canonical name and its aliases. */
public interface Provider {
    /** The canonical name, as users type it (matched ignoring case, '_' and '-'). */
    String name();

    /** Other names that resolve to this provider. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for listings. */
    default String description() {
        return "";
    }
}
