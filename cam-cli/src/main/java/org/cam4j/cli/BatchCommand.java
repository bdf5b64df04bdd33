package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.cam4j.engine.batch.ClusterBatchRunner;
import org.cam4j.engine.batch.LocalBatch;
import org.cam4j.engine.store.OutputFolder;
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
    /** Main class of the Spark run for spark-submit, in the cam-spark module (named in messages only). */
    static final String SPARK_RUNNER = "org.cam4j.spark.SparkBatch";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN.yaml", description = "The batch configuration.")
    Path yaml;

    @Option(names = "--out", paramLabel = "DIR|URI", description = "Output folder (overrides the YAML's output);"
            + " with --spark also a URI (hdfs://...).")
    String outOverride;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--spark", description = "Run as an Apache Spark job (through ./cam, which adds the cam-spark build and Spark).")
    boolean spark;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master with --spark: local[*] (default),"
            + " local[N], spark://HOST:PORT or yarn.")
    String master;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (spark) {
            return runOnSpark(stdout, err);
        }
        if (master != null) {
            throw new RequestException("--master " + master + " needs --spark");
        }
        if (outOverride != null) {
            OutputFolder.refuseUri(outOverride, "--out");
        }
        LocalBatch run = LocalBatch.prepare(yaml, outOverride == null ? null : Path.of(outOverride));
        LocalBatch.Outcome outcome;
        try (ProgressBar bar = ProgressBars.create("explaining", run.steps(), "img", noProgress)) {
            outcome = run.run((record, failed) -> {
                if (failed) {
                    err.println("cam: skipping " + record.path("image").asText() + ": "
                            + record.path("error").asText());
                }
                bar.step();
            });
        }
        stdout.println(run.summaryLine(outcome));
        List<String> failures = outcome.failures();
        if (!failures.isEmpty()) {
            failures.forEach(f -> err.println("cam: failed: " + f));
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }

    /** Hands the run to the cluster runner on the class path (cam-spark's Spark job). */
    private int runOnSpark(PrintWriter stdout, PrintWriter err) {
        ClusterBatchRunner runner = ClusterBatchRunner.find().orElseThrow(() -> new RequestException(
                "--spark needs the cam-spark build and Spark's jars: run it with ./cam, which builds"
                + " cam-spark/target/cam-spark.jar and runs it with Spark's jars ($SPARK_HOME/jars or"
                + " cam-spark/target/spark-jars), or submit cam-spark.jar with spark-submit --class " + SPARK_RUNNER));
        return runner.run(yaml, outOverride, master, stdout, err);
    }
}
