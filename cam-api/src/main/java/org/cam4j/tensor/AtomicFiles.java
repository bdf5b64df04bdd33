package org.cam4j.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files through a temporary sibling and a rename, so readers never see a half-written file. The file gets the
 * permissions of any new file under the process's umask (not the 0600 of {@code Files.createTempFile}).
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the bytes to a temporary sibling, then renames it over {@code file}. */
    public static void write(Path file, byte[] content) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = temporarySibling(target);
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }

    /** A fresh hidden {@code .NAME.RANDOM.part} name beside {@code target}; created by the caller with CREATE_NEW. */
    private static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
    }
}
