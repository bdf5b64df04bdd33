package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<URL> urls = new ArrayList<>();
        places().forEach((place, jars) -> {
            if (!jars.isEmpty() && jars.stream().allMatch(j -> services(j).isEmpty())) {
                err.println("cam: warning: plugin " + place + " " + REGISTERS_NOTHING);
            }
            jars.forEach(j -> urls.add(url(j)));
        });
        return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    /** What is said of a plugin jar without services: the consequence, the usual cause, and its fix. */
    static final String REGISTERS_NOTHING = "registers no cam4j provider (no META-INF/services/org.cam4j.* file), so"
            + " nothing in it is used; with @AutoService, put com.google.auto.service:auto-service on the compiler's"
            + " annotationProcessorPaths";

    /**
     * The plugin places (the {@code plugins/} folder beside {@code cam.jar}, then those of {@code cam4j.plugins}
     * and {@code CAM4J_PLUGINS}) and the jars in each, in order.
     */
    static Map<Path, List<Path>> places() {
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
        Map<Path, List<Path>> jars = new LinkedHashMap<>();
        for (Path p : places) {
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(p)) {
                try (Stream<Path> listed = Files.list(p)) {
                    found.addAll(listed.filter(f -> f.toString().endsWith(".jar")).sorted().toList());
                } catch (IOException e) {
                    throw new RequestException("cannot list plugin folder " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                found.add(p);
            }
            jars.merge(p, found, (a, b) -> a);
        }
        return jars;
    }

    /**
     * The cam4j services a jar registers ({@code META-INF/services/org.cam4j...}) and the provider classes it
     * lists for each.
     */
    static Map<String, List<String>> services(Path jar) {
        Map<String, List<String>> services = new LinkedHashMap<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory() && e.getName().startsWith(SERVICES + "org.cam4j.")) {
                    try (java.io.InputStream in = zip.getInputStream(e)) {
                        services.put(e.getName().substring(SERVICES.length()), new String(in.readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8).lines().map(l -> l.replaceAll("#.*", "")
                                .trim()).filter(l -> !l.isEmpty()).toList());
                    }
                }
            }
        } catch (IOException e) {
            throw new RequestException("cannot read plugin jar " + jar + ": " + e.getMessage());
        }
        return services;
    }

    private static final String SERVICES = "META-INF/services/";

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new RequestException("bad plugin path " + jar);
        }
    }
}
