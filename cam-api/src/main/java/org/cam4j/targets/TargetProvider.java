package org.cam4j.targets;

import org.cam4j.plugin.Provider;

/**
 * A user-defined target type, found with {@link java.util.ServiceLoader} like methods and backends:
 * {@code --target NAME:SPEC} creates a target from its spec string.
 */
public interface TargetProvider extends Provider {
    /**
     * The target a spec describes (the part after {@code NAME:}); a malformed spec is refused in one line.
     *
     * @param spec the part after {@code NAME:}, empty for none
     * @return the target
     */
    Target create(String spec);

    /**
     * Whether specs of this type name files that {@link #create} reads (a concept {@code .npy}, a mask): a server
     * refuses such specs, since no request may name a path on the server.
     *
     * @return false by default
     */
    default boolean readsFiles() {
        return false;
    }
}
