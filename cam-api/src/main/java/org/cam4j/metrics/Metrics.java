package org.cam4j.metrics;

import org.cam4j.plugin.ProviderRegistry;

/** The CAM metrics on the classpath. */
public final class Metrics {
    private Metrics() {
    }

    public static ProviderRegistry<CamMetric> registry() {
        return ProviderRegistry.load("metric", CamMetric.class);
    }

    public static CamMetric get(String name) {
        return registry().get(name);
    }
}
