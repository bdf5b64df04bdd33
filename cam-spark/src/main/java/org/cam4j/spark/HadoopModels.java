package org.cam4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cam4j.engine.RequestException;

/**
 * Models a Spark run names by URI ({@code hdfs://nn/models/resnet50.onnx}): ONNX Runtime reads local files, so each
 * JVM (driver and executors) copies the model once into a temporary folder, with its {@code <name>.yaml} beside it
 * and the labels file that YAML names, and reuses the copy for every partition.
 */
final class HadoopModels {
    private static final Map<String, java.nio.file.Path> COPIES = new ConcurrentHashMap<>();
    private static final Pattern LABELS = Pattern.compile("(?m)^labels:\\s*['\"]?([^'\"#\\s]+)");

    private HadoopModels() {
    }

    static java.nio.file.Path local(String uri) {
        return COPIES.computeIfAbsent(uri, HadoopModels::copy);
    }

    private static java.nio.file.Path copy(String uri) {
        Path model = new Path(uri);
        try {
            FileSystem fs = model.getFileSystem(new Configuration());
            if (!fs.isFile(model)) {
                throw new RequestException("model " + uri + " does not exist (on " + java.net.InetAddress.getLocalHost()
                        .getHostName() + ")");
            }
            java.nio.file.Path dir = Files.createTempDirectory("cam4j-model");
            dir.toFile().deleteOnExit();
            java.nio.file.Path local = fetch(fs, model, dir);
            String name = model.getName();
            int dot = name.lastIndexOf('.');
            Path yaml = new Path(model.getParent(), (dot > 0 ? name.substring(0, dot) : name) + ".yaml");
            if (fs.isFile(yaml)) {
                java.nio.file.Path localYaml = fetch(fs, yaml, dir);
                Matcher labels = LABELS.matcher(Files.readString(localYaml, StandardCharsets.UTF_8));
                if (labels.find() && fs.isFile(new Path(model.getParent(), labels.group(1)))) {
                    fetch(fs, new Path(model.getParent(), labels.group(1)), dir);
                }
            }
            return local;
        } catch (IOException e) {
            throw new RequestException("cannot copy model " + uri + " to this machine: " + e.getMessage());
        }
    }

    private static java.nio.file.Path fetch(FileSystem fs, Path file, java.nio.file.Path dir) throws IOException {
        java.nio.file.Path local = dir.resolve(file.getName());
        try (var in = fs.open(file)) {
            Files.copy(in, local);
        }
        local.toFile().deleteOnExit();
        return local;
    }
}
