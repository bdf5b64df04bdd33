package org.cam4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.cam4j.engine.batch.BatchJob;
import org.cam4j.engine.RequestException;

/**
 * {@code cam batch RUN.yaml --spark}: the same YAML run as an Apache Spark job. The driver checks the YAML and opens
 * each model once (so a model the run cannot use is refused in one line before any executor starts), lists
 * the images through Hadoop's FileSystem API and makes one (model, image) task per pair; executors explain their
 * partition ({@link ExplainPartition}: each model opened once per partition) and write the same files as a local
 * run into the output folder ({@link HadoopStore}); the driver writes {@code summary.json} and {@code report.html}
 * from the records. Progress shows in Spark's UI as the accumulators "cam4j images done", "cam4j images skipped"
 * and "cam4j images failed".
 *
 * <p>Main class for {@code spark-submit}: {@code spark-submit --class org.cam4j.spark.SparkBatch
 * cam-spark/target/cam-spark.jar RUN.yaml [--out DIR]} (the master comes from spark-submit).
 */
public final class SparkBatch {
    private SparkBatch() {
    }

    /** {@code spark-submit}'s entry: {@code RUN.yaml [--out DIR]}, exits with the run's code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Path yaml = null;
        String outDir = null;
        String master = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> outDir = args[++i];
                case "--master" -> master = args[++i];
                default -> yaml = Path.of(args[i]);
            }
        }
        if (yaml == null) {
            err.println("usage: SparkBatch RUN.yaml [--out DIR|URI] [--master URL]");
            System.exit(2);
        }
        try {
            System.exit(run(yaml, outDir, master, out, err));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("cam: error: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            System.exit(2);
        }
    }

    /**
     * Runs the YAML on Spark, into {@code outOverride} (a folder or a URI such as {@code hdfs://...}) when it is not
     * null, else the YAML's output; {@code master} null keeps the one spark-submit set, else {@code local[*]}. Returns the
     * exit code: 0, or 1 when some images failed (listed on {@code err}).
     */
    public static int run(Path yaml, String outOverride, String master, PrintWriter stdout, PrintWriter err) {
        Path folder = yaml.toAbsolutePath().getParent();
        BatchJob job = BatchJob.load(yaml, specs -> HadoopImages.list(specs, folder).stream().map(Path::of).toList(),
                HadoopModels::local);
        String outRoot = outOverride != null ? HadoopImages.resolve(outOverride, Path.of("")).toString()
                : job.output() != null ? HadoopImages.resolve(job.output(), folder).toString() : null;
        if (outRoot == null) {
            throw new RequestException(yaml + ": the batch YAML needs 'output' (or give --out)");
        }
        SparkMaster.check(master);
        HadoopStore store = new HadoopStore(outRoot);
        store.prepare();
        job.checkModels(store);
        SparkSession.Builder builder = SparkSession.builder().appName("cam4j batch " + yaml.getFileName());
        if (master != null) {
            builder.master(master);
            if (!master.startsWith("local")) {
                // a cluster's executors are other JVMs: they get cam4j (this jar: the engine, the backends, the
                // methods) and the plugin jars the driver loaded from the driver
                builder.config("spark.jars", String.join(",", shippedJars()));
            }
        } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        if (master != null) {
            // run from cam batch --spark: Spark's INFO lines would drown the run's own output
            spark.sparkContext().setLogLevel("WARN");
        }
        try {
            LongAccumulator done = spark.sparkContext().longAccumulator("cam4j images done");
            LongAccumulator skipped = spark.sparkContext().longAccumulator("cam4j images skipped");
            LongAccumulator failed = spark.sparkContext().longAccumulator("cam4j images failed");
            List<Task> tasks = new ArrayList<>();
            for (String model : job.modelNames()) {
                for (Path image : job.images()) {
                    tasks.add(new Task(model, image.toString(), job.names().get(image)));
                }
            }
            int partitions = Math.max(1, Math.min(tasks.size(), 2 * spark.sparkContext().defaultParallelism()));
            List<String> rows = spark.createDataset(JavaSparkContext.fromSparkContext(spark.sparkContext())
                            .parallelize(tasks, partitions).rdd(), Encoders.bean(Task.class))
                    .mapPartitions(new ExplainPartition(job.yamlText(), yaml.toAbsolutePath().toString(), store,
                            done, skipped, failed), Encoders.STRING())
                    .collectAsList();
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> records = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (String row : rows) {
                JsonNode r = json.readTree(row);
                records.add(r);
                if (r.has("error")) {
                    failures.add(r.path("image").asText() + ": " + r.path("error").asText());
                }
            }
            job.finish(records, store, Path.of(""));
            stdout.println(job.summaryLine(records.size() - failures.size(), failures.size(), outRoot) + " on Spark "
                    + spark.sparkContext().master() + " (" + done.value() + " explained, " + skipped.value()
                    + " already done)");
            failures.forEach(f -> err.println("cam: failed: " + f));
            return failures.isEmpty() ? 0 : 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            // Scala throws SparkException (checked in Java) undeclared: an executor's failure, told in one line
            if (e instanceof org.apache.spark.SparkException) {
                throw new RequestException("the Spark job failed: " + rootCause(e));
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
            spark.stop();
        }
    }

    /** The first line of the deepest cause's message: what went wrong on the executor. */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.getClass().getSimpleName());
    }

    /**
     * What a cluster's executors need from the driver: this jar, then the plugin jars the driver's class loader
     * reads ({@code plugins/}, {@code cam4j.plugins}, {@code CAM4J_PLUGINS}), so a plugin method runs there too.
     */
    static List<String> shippedJars() {
        List<String> jars = new ArrayList<>(List.of(ownJar()));
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof java.net.URLClassLoader urls) {
                for (java.net.URL u : urls.getURLs()) {
                    if (u.getProtocol().equals("file") && u.getPath().endsWith(".jar")) {
                        String jar = Path.of(java.net.URI.create(u.toString())).toString();
                        if (!jars.contains(jar)) {
                            jars.add(jar);
                        }
                    }
                }
            }
        }
        return jars;
    }

    /** The jar this class was loaded from (cam-spark.jar), for the executors of a cluster. */
    static String ownJar() {
        try {
            Path jar = Path.of(SparkBatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!java.nio.file.Files.isRegularFile(jar)) {
                throw new RequestException("a Spark cluster needs cam4j as a jar to ship to its executors; run"
                        + " cam-spark/target/cam-spark.jar (./cam batch --spark does), not classes from " + jar);
            }
            return jar.toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
