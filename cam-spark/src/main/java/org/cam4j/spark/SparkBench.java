package org.cam4j.spark;

import org.cam4j.engine.batch.LocalBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scaling benchmark of Spark batch runs: a folder of {@code N} photos (the example photos replicated), the
 * bundled ResNet-8 with Grad-CAM (PNG overlays, .npy maps, records), run locally and on Spark {@code local[1]} and
 * {@code local[2]} (after one untimed Spark run, so neither pays the JVM's first session); prints images per
 * second of each, the session's start included. A benchmark, never a test:
 * {@code java <opens> -cp "cam-spark/target/cam-spark.jar:cam-spark/target/spark-jars/*"
 * org.cam4j.spark.SparkBench [N] [examples/photos]}.
 */
public final class SparkBench {
    private SparkBench() {
    }

    /** Runs the benchmark: {@code [N] [photos folder]}. */
    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path photos = Path.of(args.length > 1 ? args[1] : "examples/photos");
        Path dir = Files.createTempDirectory("cam4j-spark-bench");
        Path folder = Files.createDirectories(dir.resolve("photos"));
        List<Path> sources;
        try (Stream<Path> files = Files.list(photos)) {
            sources = files.filter(org.cam4j.image.ImageFiles::isImage).sorted().toList();
        }
        for (int i = 0; i < n; i++) {
            Path src = sources.get(i % sources.size());
            String name = src.getFileName().toString();
            Files.copy(src, folder.resolve(String.format("%04d-%s", i, name)));
        }
        Path yaml = Files.writeString(dir.resolve("run.yaml"), String.join("\n",
                "output: out", "formats: [png, npy, json]", "models: [{name: cifar}]", "methods: [GradCAM]",
                "images: [photos/]", ""));
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("%d photos (%s replicated), ResNet-8, Grad-CAM, PNG + npy + records%n", n, photos);
        double local = time(() -> LocalBatch.prepare(yaml, dir.resolve("local")).run((record, failed) -> { })
                .failures().size());
        out.printf("local cam batch: %.1f s, %.1f images/s%n", local, n / local);
        // Spark's first session in a JVM pays class loading and JIT once: a warm-up run, not timed
        run(yaml, dir.resolve("warm-up"), "local[2]");
        for (String master : List.of("local[1]", "local[2]")) {
            Path o = dir.resolve("spark-" + master.replaceAll("\\W", ""));
            double s = time(() -> run(yaml, o, master));
            out.printf("Spark %s: %.1f s, %.1f images/s%n", master, s, n / s);
        }
    }

    private static int run(Path yaml, Path out, String master) {
        return SparkBatch.run(yaml, out.toString(), master, quiet(), new PrintWriter(System.err, true));
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter());
    }

    private static double time(java.util.function.IntSupplier run) {
        long t0 = System.nanoTime();
        int exit = run.getAsInt();
        if (exit != 0) {
            throw new IllegalStateException("the run failed with exit code " + exit);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
