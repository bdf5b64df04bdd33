package org.cam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cam batch run.yaml}: explains a folder of images with several models and methods, as the YAML says
 * ({@link BatchJob}), one model at a time ({@link BatchWorker}), on this machine or with {@code --spark} as a Spark
 * job (the cam-spark module).
 *
 * <p>Resumable: every output is written atomically and each finished image leaves a record
 * ({@code <model>/.done/<name>.json}, holding the image's path); a rerun skips exactly the images whose record names
 * them, so a run killed mid-way loses nothing and duplicates nothing. Output names are unique per image
 * ({@link OutputNames}). A bad image is reported, listed in {@code summary.json} and the report with its reason, and
 * skipped; the run finishes and exits 1. Nothing is written outside the output folder, links in it included.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Run a YAML-configured batch: models x methods x images, with overlays, .npy, JSON and an HTML report.")
final class BatchCommand implements Callable<Integer> {
    /** Entry point of the Spark run, in the cam-spark module (a plugin, or spark-submit's jar). */
    static final String SPARK_RUNNER = "org.cam4j.spark.SparkBatch";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN.yaml", description = "The batch configuration.")
    Path yaml;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (overrides the YAML's output).")
    Path outOverride;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--spark", description = "Run as an Apache Spark job (through ./cam, which adds the cam-spark build and Spark).")
    boolean spark;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master with --spark: local[*] (default),"
            + " local[N], spark://HOST:PORT or yarn.")
    String master;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (spark) {
            return runOnSpark(stdout, err);
        }
        if (master != null) {
            throw new CliException("--master " + master + " needs --spark");
        }
        BatchJob job = BatchJob.load(yaml, BatchJob.localImages(yaml));
        Path outPath = outOverride != null ? outOverride : yaml.toAbsolutePath().getParent()
                .resolve(required(job.output(), "output"));
        OutputFolder out = OutputFolder.create(outPath, "--out or the YAML's output");
        LocalStore store = new LocalStore(out);
        store.removeUnfinishedWrites();
        if (job.modelNames().size() > 1) {
            // a run of several models is refused up front, not after hours on the first ones
            job.checkModels(store);
        }
        List<JsonNode> records = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (ProgressBar bar = ProgressBars.create("explaining", job.images().size() * job.modelNames().size(),
                "img", noProgress)) {
            BatchWorker.Listener listener = new BatchWorker.Listener() {
                @Override
                public void finished(JsonNode record, boolean skipped) {
                    records.add(record);
                    bar.step();
                }

                @Override
                public void failed(JsonNode record) {
                    records.add(record);
                    failures.add(record.path("image").asText() + ": " + record.path("error").asText());
                    err.println("cam: skipping " + record.path("image").asText() + ": "
                            + record.path("error").asText());
                    bar.step();
                }
            };
            for (String model : job.modelNames()) {
                try (BatchWorker worker = job.worker(model, store, null)) {
                    worker.run(job.images(), job.names(), listener);
                }
            }
        }
        job.finish(records, store, out.root());
        stdout.println(job.summaryLine(records.size() - failures.size(), failures.size(), out.root().toString()));
        if (!failures.isEmpty()) {
            failures.forEach(f -> err.println("cam: failed: " + f));
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }

    /** Hands the run to cam-spark's {@code SparkBatch.run(yaml, out, master, stdout, stderr)}, when on the classpath. */
    private int runOnSpark(PrintWriter stdout, PrintWriter err) throws Exception {
        Class<?> runner;
        try {
            runner = Class.forName(SPARK_RUNNER, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new CliException("--spark needs the cam-spark build and Spark's jars: run it with ./cam, which builds"
                    + " cam-spark/target/cam-spark.jar and runs it with Spark's jars ($SPARK_HOME/jars or"
                    + " cam-spark/target/spark-jars), or submit cam-spark.jar with spark-submit --class " + SPARK_RUNNER);
        }
        try {
            return (Integer) runner.getMethod("run", Path.class, Path.class, String.class, PrintWriter.class,
                    PrintWriter.class).invoke(null, yaml, outOverride, master, stdout, err);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private <T> T required(T value, String key) {
        if (value == null) {
            throw new CliException(yaml + ": the batch YAML needs '" + key + "'");
        }
        return value;
    }
}
