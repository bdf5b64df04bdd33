package org.cam4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.cam4j.engine.store.OutputStore;

/**
 * A batch run's output folder on any file system Hadoop reaches (a local path, {@code file://}, {@code hdfs://}, or
 * another scheme whose connector the cluster has). Each file is written to a hidden {@code .NAME.RANDOM.part}
 * sibling and renamed into place, so a file is whole or absent, whichever executor or task attempt wrote it. Local
 * paths are written without Hadoop's {@code .crc} side files, so a Spark run leaves the same files as a local one.
 * Serializable: executors open the file system themselves, with their own Hadoop configuration.
 */
final class HadoopStore implements OutputStore, Serializable {
    private static final long serialVersionUID = 1L;

    private final String root;
    private transient FileSystem fs;

    HadoopStore(String root) {
        this.root = root;
    }

    /** The file system of the root, plain (no checksum files) for local paths. */
    FileSystem fs() {
        if (fs == null) {
            try {
                FileSystem f = new Path(root).getFileSystem(new Configuration());
                fs = f instanceof LocalFileSystem local ? local.getRaw() : f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the file system of " + root + ": " + e.getMessage(), e);
            }
        }
        return fs;
    }

    Path path(String relative) {
        if (relative.startsWith("/") || relative.equals("..") || relative.startsWith("../")
                || relative.contains("/../")) {
            throw new IllegalArgumentException("output name '" + relative + "' leaves the output folder " + root);
        }
        return new Path(root, relative);
    }

    @Override
    public void write(String relative, byte[] content) {
        Path target = path(relative);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
        try {
            try (OutputStream out = fs().create(tmp, false)) {
                out.write(content);
            }
            if (!fs().rename(tmp, target)) {
                // file systems whose rename does not replace (HDFS): the old file of an unfinished run goes first
                fs().delete(target, false);
                if (!fs().rename(tmp, target)) {
                    throw new IOException("rename to " + target + " failed");
                }
            }
        } catch (IOException e) {
            try {
                fs().delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is the one worth reporting
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String relative) {
        Path file = path(relative);
        try {
            if (!fs().isFile(file)) {
                return null;
            }
            try (InputStream in = fs().open(file)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return root;
    }

    /**
     * Makes the folder and proves it writable with a probe file (a one-line error otherwise), then removes what
     * killed runs left half-written ({@code .*.part}).
     */
    void prepare() {
        Path dir = new Path(root);
        try {
            fs().mkdirs(dir);
            write(".cam4j-probe", new byte[0]);
            fs().delete(path(".cam4j-probe"), false);
            RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs().listFiles(dir, true);
            while (files.hasNext()) {
                FileStatus f = files.next();
                String name = f.getPath().getName();
                if (name.startsWith(".") && name.endsWith(".part")) {
                    fs().delete(f.getPath(), false);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new org.cam4j.engine.RequestException("output folder " + root + " is not writable ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); choose another with --out"
                    + " or the YAML's output");
        }
    }
}
