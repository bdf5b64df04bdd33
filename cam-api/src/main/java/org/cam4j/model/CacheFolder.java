package org.cam4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where cam4j keeps what opening a model costs, from one run to the next: the system property {@code cam4j.cache}
 * (a folder, or {@code off}), else the environment variable {@code CAM4J_CACHE} (the same), else
 * {@code $XDG_CACHE_HOME/cam4j}, else {@code ~/.cache/cam4j}. Entries are keyed so that a changed model or another
 * cam4j version never reads a stale one, written atomically, and bounded in size; a folder that cannot be written
 * is worked without.
 */
public final class CacheFolder {
    /** The property that moves or disables the cache ({@code cam --no-cache} sets it to {@code off}). */
    public static final String PROPERTY = "cam4j.cache";

    private CacheFolder() {
    }

    /** The cache folder, or empty when the cache is off. */
    public static Optional<Path> location() {
        String chosen = System.getProperty(PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv("CAM4J_CACHE");
        }
        if (chosen != null && !chosen.isBlank()) {
            return chosen.equals("off") ? Optional.empty() : Optional.of(Path.of(chosen));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Optional.of(Path.of(xdg, "cam4j"));
        }
        return Optional.of(Path.of(System.getProperty("user.home"), ".cache", "cam4j"));
    }

    /** Deletes the cache folder and everything in it; returns the bytes freed. */
    public static long clear() throws IOException {
        Optional<Path> folder = location();
        if (folder.isEmpty() || !Files.isDirectory(folder.get())) {
            return 0;
        }
        long freed = 0;
        try (Stream<Path> all = Files.walk(folder.get())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(p)) {
                    freed += Files.size(p);
                }
                Files.deleteIfExists(p);
            }
        }
        return freed;
    }
}
