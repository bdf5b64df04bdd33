package org.cam4j.spark;

import com.google.auto.service.AutoService;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.cam4j.engine.batch.ClusterBatchRunner;

/** {@code cam batch --spark}: the batch as an Apache Spark job ({@link SparkBatch}). */
@AutoService(ClusterBatchRunner.class)
public final class SparkBatchRunner implements ClusterBatchRunner {
    @Override
    public int run(Path yaml, String outOverride, String master, PrintWriter stdout, PrintWriter err) {
        return SparkBatch.run(yaml, outOverride, master, stdout, err);
    }
}
