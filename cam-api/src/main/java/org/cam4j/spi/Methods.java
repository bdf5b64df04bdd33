package org.cam4j.spi;

/** The CAM methods on the classpath. */
public final class Methods {
    private Methods() {
    }

    public static ProviderRegistry<CamMethod> registry() {
        return ProviderRegistry.load("method", CamMethod.class);
    }

    public static CamMethod get(String name) {
        return registry().get(name);
    }
}
