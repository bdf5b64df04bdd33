package org.cam4j.engine.batch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A batch run on a cluster instead of in this process: cam-spark's Spark job is one. Found with
 * {@link ServiceLoader}, so a door starts it without knowing its classes.
 */
public interface ClusterBatchRunner {
    /**
     * Runs the batch the YAML describes.
     *
     * @param outOverride output folder or URI ({@code hdfs://...}) replacing the YAML's, or {@code null}
     * @param master the cluster's master URL, or {@code null} for the runner's default
     * @return the exit code: 0 done, 1 done with failed images
     */
    int run(Path yaml, String outOverride, String master, PrintWriter stdout, PrintWriter err);

    /** The runner on the class path, if any. */
    public static java.util.Optional<ClusterBatchRunner> find() {
        return ServiceLoader.load(ClusterBatchRunner.class, Thread.currentThread().getContextClassLoader())
                .findFirst();
    }
}
