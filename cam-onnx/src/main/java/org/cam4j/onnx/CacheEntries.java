package org.cam4j.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * What the entries of cam4j's cache folder share: keys that change with whatever the entry depends on (cam4j's own
 * build included), whole files moved into place, a bound on a folder's size (oldest entries go first), and one
 * warning for a folder that cannot be written.
 */
final class CacheEntries {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private CacheEntries() {
    }

    /** A file-name-safe key (32 hex digits of SHA-256) of the parts, joined. */
    static String key(Object... parts) {
        StringBuilder text = new StringBuilder();
        for (Object p : parts) {
            text.append(p).append('|');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cam4j build that writes or reads entries: its version and, for a development version (a SNAPSHOT, or no
     * version: classes not in a released jar), the time its classes were built, so that a rebuilt cam4j never reads
     * the entries of the previous build.
     */
    static String build() {
        String version = CacheEntries.class.getPackage().getImplementationVersion();
        if (version != null && !version.endsWith("SNAPSHOT")) {
            return version;
        }
        try {
            Path code = Path.of(CacheEntries.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path classFile = Files.isDirectory(code)
                    ? code.resolve(CacheEntries.class.getName().replace('.', '/') + ".class") : code;
            return version + "@" + Files.getLastModifiedTime(classFile).toMillis();
        } catch (Exception e) {
            return version + "@unknown";
        }
    }

    /** Moves a whole written file into place (atomically where the file system can). */
    static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the oldest entries ending in {@code suffix} while they hold more than {@code maxBytes}. */
    static void bound(Path folder, String suffix, long maxBytes) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(folder)) {
            entries = s.filter(p -> p.toString().endsWith(suffix))
                    .sorted(Comparator.comparingLong(CacheEntries::modified)).toList();
        }
        long total = 0;
        for (Path p : entries) {
            total += Files.size(p);
        }
        for (int i = 0; total > maxBytes && i < entries.size() - 1; i++) {
            total -= Files.size(entries.get(i));
            Files.deleteIfExists(entries.get(i));
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    /** Says once per process that the cache folder cannot be written, and why. */
    static void warnUnwritable(Path folder, Exception e) {
        if (WARNED.compareAndSet(false, true)) {
            System.err.println("cam4j: cannot write the cache folder " + folder + " (" + e.getMessage()
                    + "); running without it (-Dcam4j.cache=off or CAM4J_CACHE=off turns it off)");
        }
    }

    /** Deletes a file, quietly (the temporary file of a failed write). */
    static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
