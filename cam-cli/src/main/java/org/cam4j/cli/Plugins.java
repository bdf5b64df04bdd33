package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Drop-in plugin jars (CAM methods, backends, target types registered in {@code META-INF/services}): the jars in
 * the {@code plugins/} folder beside {@code cam.jar}, and those named by the {@code cam4j.plugins} system property
 * or the {@code CAM4J_PLUGINS} environment variable (jar files or folders of jars, separated by the path
 * separator).
 */
final class Plugins {
    private Plugins() {
    }

    /**
     * A loader over the plugin jars; a place (a jar, or a folder of jars) none of whose jars registers a cam4j
     * provider is named on {@code err}: such a jar is otherwise ignored without a word (the usual cause: the
     * auto-service processor missing from the compiler's annotation processor path).
     */
    static ClassLoader loader(ClassLoader parent, java.io.PrintWriter err) {
        List<Path> places = new ArrayList<>();
        try {
            Path jar = Path.of(CamCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                places.add(jar.resolveSibling("plugins"));
            }
        } catch (Exception ignored) {
            // no code source (an unusual class loader): only the explicit places count
        }
        for (String spec : new String[] {System.getProperty("cam4j.plugins"), System.getenv("CAM4J_PLUGINS")}) {
            if (spec != null && !spec.isBlank()) {
                for (String part : spec.split(java.io.File.pathSeparator)) {
                    Path p = Path.of(part);
                    if (!Files.exists(p)) {
                        throw new RequestException("plugin path " + p + " does not exist (from cam4j.plugins/CAM4J_PLUGINS)");
                    }
                    places.add(p);
                }
            }
        }
        List<URL> urls = new ArrayList<>();
        for (Path p : places) {
            List<Path> jars = new ArrayList<>();
            if (Files.isDirectory(p)) {
                try (Stream<Path> listed = Files.list(p)) {
                    jars.addAll(listed.filter(f -> f.toString().endsWith(".jar")).sorted().toList());
                } catch (IOException e) {
                    throw new RequestException("cannot list plugin folder " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                jars.add(p);
            }
            if (!jars.isEmpty() && jars.stream().noneMatch(Plugins::registersProviders)) {
                err.println("cam: warning: plugin " + p + " registers no cam4j provider (no"
                        + " META-INF/services/org.cam4j.* file), so nothing in it is used; with @AutoService, put"
                        + " com.google.auto.service:auto-service on the compiler's annotationProcessorPaths");
            }
            jars.forEach(j -> urls.add(url(j)));
        }
        return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    /** Whether a jar lists providers of cam4j's interfaces ({@code META-INF/services/org.cam4j...}). */
    private static boolean registersProviders(Path jar) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("META-INF/services/org.cam4j."));
        } catch (IOException e) {
            throw new RequestException("cannot read plugin jar " + jar + ": " + e.getMessage());
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new RequestException("bad plugin path " + jar);
        }
    }
}
