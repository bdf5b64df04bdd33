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

    static ClassLoader loader(ClassLoader parent) {
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
            if (Files.isDirectory(p)) {
                try (Stream<Path> jars = Files.list(p)) {
                    for (Path j : jars.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                        urls.add(url(j));
                    }
                } catch (IOException e) {
                    throw new RequestException("cannot list plugin folder " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                urls.add(url(p));
            }
        }
        return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new RequestException("bad plugin path " + jar);
        }
    }
}
