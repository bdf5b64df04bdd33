package org.cam4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cam4j.engine.batch.BatchJob;
import org.cam4j.engine.RequestException;
import org.cam4j.image.ImageFiles;

/**
 * Images of a Spark run through Hadoop's FileSystem API: the driver lists the YAML's entries (files, folders and
 * globs, relative to the YAML's folder unless they name a scheme), executors read the bytes. An image the driver
 * listed but an executor cannot find is named with the likely cause (a path only the driver sees).
 */
final class HadoopImages implements Serializable {
    private static final long serialVersionUID = 1L;

    private HadoopImages() {
    }

    /** The images of the YAML's entries, in order: folders' images sorted, globs' matches sorted. */
    static List<String> list(List<String> specs, java.nio.file.Path yamlFolder) {
        List<String> out = new ArrayList<>();
        Configuration conf = new Configuration();
        for (String spec : specs) {
            Path p = resolve(spec, yamlFolder);
            try {
                FileSystem fs = p.getFileSystem(conf);
                if (spec.contains("*") || spec.contains("?") || spec.contains("[")) {
                    FileStatus[] matches = fs.globStatus(p);
                    if (matches == null || matches.length == 0) {
                        throw new RequestException("no file matches " + p);
                    }
                    images(matches).forEach(out::add);
                } else if (fs.getFileStatus(p).isDirectory()) {
                    images(fs.listStatus(p)).forEach(out::add);
                } else {
                    out.add(shown(p));
                }
            } catch (java.io.FileNotFoundException e) {
                throw new RequestException("image " + p + " does not exist");
            } catch (IOException e) {
                throw new RequestException("cannot list " + p + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new RequestException("no images found in " + specs + " (supported: "
                    + String.join(", ", ImageFiles.EXTENSIONS) + ")");
        }
        return out;
    }

    private static List<String> images(FileStatus[] statuses) {
        return Arrays.stream(statuses).filter(FileStatus::isFile)
                .map(s -> shown(s.getPath()))
                .filter(n -> ImageFiles.EXTENSIONS.contains(extension(n)))
                .sorted().toList();
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** How an image is named in records: a local file by its plain path (as a local run names it), else its URI. */
    private static String shown(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    /** An image's name in records back to a Hadoop path. */
    static Path path(String image) {
        return BatchJob.namesFileSystem(image) ? new Path(image)
                : new Path(java.nio.file.Path.of(image).toUri());
    }

    /** An entry as a Hadoop path: with a scheme as given, else a local path against the YAML's folder. */
    static Path resolve(String spec, java.nio.file.Path yamlFolder) {
        if (BatchJob.namesFileSystem(spec)) {
            return new Path(spec);
        }
        return new Path(yamlFolder.resolve(spec).toAbsolutePath().normalize().toUri());
    }

    /** The bytes of an image an executor reads. */
    static byte[] read(String image) {
        Path p = path(image);
        try {
            FileSystem fs = p.getFileSystem(new Configuration());
            if (!fs.exists(p)) {
                throw new IllegalArgumentException("image " + image + " is not visible on executor "
                        + java.net.InetAddress.getLocalHost().getHostName() + " (the driver listed it: a path only"
                        + " the driver sees?); put the images where every executor reads them: a shared folder,"
                        + " hdfs:// or an object store");
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + image + ": " + e.getMessage(), e);
        }
    }
}
