package org.cam4j.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;

/**
 * A plugin jar made during a test, as a user's build would make it: one CAM method, {@code MeanActivationCAM} (the
 * channel sum of the activations, "channel mean of the activations"), compiled against the test's class path.
 */
public final class PluginJars {
    /** The method's name. */
    public static final String METHOD = "MeanActivationCAM";

    private static final String SOURCE = """
            package example;

            import java.util.Set;
            import org.cam4j.math.CamOps;
            import org.cam4j.model.Capability;
            import org.cam4j.spi.CamContext;
            import org.cam4j.spi.CamMethod;
            import org.cam4j.spi.LayerData;
            import org.cam4j.tensor.Tensor;

            /** Mean activation over channels: the simplest possible CAM. */
            public final class MeanActivationCam implements CamMethod {
                public String name() { return "MeanActivationCAM"; }
                public String description() { return "channel mean of the activations"; }
                public Set<Capability> needs() { return Set.of(); }
                public Tensor camImage(LayerData layer, CamContext context) {
                    return CamOps.sumChannels(layer.activations());
                }
            }
            """;

    /** The same method computing its map through a helper class of its own (left out of the broken jar). */
    private static final String SOURCE_WITH_HELPER = """
            package example;

            import java.util.Set;
            import org.cam4j.model.Capability;
            import org.cam4j.spi.CamContext;
            import org.cam4j.spi.CamMethod;
            import org.cam4j.spi.LayerData;
            import org.cam4j.tensor.Tensor;

            /** Mean activation over channels, through a helper. */
            public final class MeanActivationCam implements CamMethod {
                public String name() { return "MeanActivationCAM"; }
                public String description() { return "channel mean of the activations"; }
                public Set<Capability> needs() { return Set.of(); }
                public Tensor camImage(LayerData layer, CamContext context) {
                    return Helper.sum(layer.activations());
                }
            }

            final class Helper {
                static Tensor sum(Tensor activations) {
                    return org.cam4j.math.CamOps.sumChannels(activations);
                }
            }
            """;

    private PluginJars() {
    }

    /**
     * Writes {@code dir/plugins/mean-cam.jar}.
     *
     * @param dir a scratch folder (sources and classes go there too)
     * @param registered whether the jar lists the method in {@code META-INF/services} (as {@code @AutoService} would
     *     write it): without it the jar contributes nothing
     * @return the jar
     */
    public static Path meanActivationCam(Path dir, boolean registered) {
        return jar(dir, SOURCE, registered);
    }

    /**
     * Writes {@code dir/plugins/mean-cam.jar} as a build that forgot a class would: the registered method is there,
     * the helper class its map needs is not, so computing a map fails with {@link NoClassDefFoundError}.
     *
     * @param dir a scratch folder (sources and classes go there too)
     * @return the jar
     */
    public static Path meanActivationCamWithoutItsHelper(Path dir) {
        return jar(dir, SOURCE_WITH_HELPER, true);
    }

    private static Path jar(Path dir, String source, boolean registered) {
        try {
            Path src = Files.createDirectories(dir.resolve("plugin-src/example")).resolve("MeanActivationCam.java");
            Files.writeString(src, source);
            Path classes = Files.createDirectories(dir.resolve("plugin-classes"));
            int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-classpath",
                    System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
            if (rc != 0) {
                throw new IllegalStateException("the example plugin does not compile (javac exit " + rc + ")");
            }
            Path jar = Files.createDirectories(dir.resolve("plugins")).resolve("mean-cam.jar");
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
                out.putNextEntry(new JarEntry("example/MeanActivationCam.class"));
                out.write(Files.readAllBytes(classes.resolve("example/MeanActivationCam.class")));
                if (registered) {
                    out.putNextEntry(new JarEntry("META-INF/services/org.cam4j.spi.CamMethod"));
                    out.write("example.MeanActivationCam\n".getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
