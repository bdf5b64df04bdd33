package org.cam4j.engine.store;

import org.cam4j.engine.RequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.tensor.AtomicFiles;

/** A batch run's output in a local folder, every name checked by {@link OutputFolder}. */
public final class LocalStore implements OutputStore {
    private final OutputFolder folder;

    /** A store writing into the folder. */
    public LocalStore(OutputFolder folder) {
        this.folder = folder;
    }

    /**
     * Where a file of this store is (its parent folders created), to name it in messages and summaries.
     *
     * @param relative the file's '/'-separated name in the folder
     * @return its path
     */
    public Path file(String relative) {
        return folder.file(relative);
    }

    @Override
    public void write(String relative, byte[] content) {
        AtomicFiles.write(folder.file(relative), content);
    }

    @Override
    public byte[] read(String relative) {
        // resolved without creating folders: reading leaves the output folder as it was
        Path file = folder.root().resolve(relative).normalize();
        if (!file.startsWith(folder.root())) {
            throw new RequestException("output name '" + relative + "' leaves the output folder " + folder.root());
        }
        try {
            return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file)
                    : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return folder.root().toString();
    }

    /** Deletes the temporary files of writes a killed run left unfinished (never renamed into place). */
    public void removeUnfinishedWrites() {
        try (java.util.stream.Stream<Path> files = Files.walk(folder.root())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")
                    && f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + folder.root() + ": " + e.getMessage(), e);
        }
    }
}
