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
     * The target a spec describes, a relative file name in it read from {@code folder} (a batch YAML's folder, whose
     * relative paths all mean files beside it); types that read no files need not override it.
     *
     * @param spec   the part after {@code NAME:}, empty for none
     * @param folder where relative file names in the spec are found
     * @return the target
     */
    default Target create(String spec, java.nio.file.Path folder) {
        return create(spec);
    }

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
