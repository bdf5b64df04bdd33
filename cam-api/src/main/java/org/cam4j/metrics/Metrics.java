package org.cam4j.metrics;

import org.cam4j.plugin.ProviderRegistry;

/** The CAM metrics on the classpath. */
public final class Metrics {
    private Metrics() {
    }

    /** Every metric on the class path (plugins included), by name. */
    public static ProviderRegistry<CamMetric> registry() {
        return ProviderRegistry.load("metric", CamMetric.class);
    }

    /** The metric of this name (or alias); unknown names are refused with the list of known ones. */
    public static CamMetric get(String name) {
        return registry().get(name);
    }
}
