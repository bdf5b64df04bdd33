package org.cam4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.util.LongAccumulator;
import org.cam4j.engine.batch.BatchJob;
import org.cam4j.engine.batch.BatchWorker;

/**
 * What an executor does with its partition of (model, image) tasks: each model opened once per executor
 * ({@link BatchWorker}, kept by {@link ExecutorModels} from one task to the next),
 * its images explained in batches into the output folder, one JSON record per image returned to the driver.
 * Finished images (a record in the output) are skipped, so a retried task or a rerun duplicates nothing.
 *
 * <p>For tests of retries, the system property {@code cam4j.spark.failAfter=N} makes the first attempt of
 * partition 0 fail after N images it explained (the images finished before stay finished).
 */
final class ExplainPartition implements MapPartitionsFunction<Task, String> {
    private static final long serialVersionUID = 1L;
    static final String FAIL_AFTER = "cam4j.spark.failAfter";

    private final String yamlText;
    private final String yamlPath;
    private final HadoopStore store;
    private final LongAccumulator done;
    private final LongAccumulator skipped;
    private final LongAccumulator failed;

    ExplainPartition(String yamlText, String yamlPath, HadoopStore store, LongAccumulator done,
                     LongAccumulator skipped, LongAccumulator failed) {
        this.yamlText = yamlText;
        this.yamlPath = yamlPath;
        this.store = store;
        this.done = done;
        this.skipped = skipped;
        this.failed = failed;
    }

    @Override
    public Iterator<String> call(Iterator<Task> input) {
        Map<String, List<Task>> byModel = new LinkedHashMap<>();
        input.forEachRemaining(t -> byModel.computeIfAbsent(t.getModel(), k -> new ArrayList<>()).add(t));
        BatchJob job = BatchJob.onExecutor(yamlText, yamlPath, HadoopModels::local);
        int threads = SparkEnv.get() == null ? 1 : SparkEnv.get().conf().getInt("spark.task.cpus", 1);
        List<String> records = Collections.synchronizedList(new ArrayList<>());
        int failAfter = injectedFailure();
        BatchWorker.Listener listener = new BatchWorker.Listener() {
            private int explained;

            @Override
            public void finished(JsonNode record, boolean wasSkipped) {
                records.add(record.toString());
                (wasSkipped ? skipped : done).add(1);
                synchronized (this) {
                    if (!wasSkipped && ++explained == failAfter) {
                        throw new IllegalStateException("failure injected by " + FAIL_AFTER + " after " + failAfter
                                + " image(s)");
                    }
                }
            }

            @Override
            public void failed(JsonNode record) {
                records.add(record.toString());
                failed.add(1);
            }
        };
        for (Map.Entry<String, List<Task>> e : byModel.entrySet()) {
            List<Path> images = new ArrayList<>();
            Map<Path, String> names = new HashMap<>();
            for (Task t : e.getValue()) {
                Path id = Path.of(t.getImage());
                images.add(id);
                names.put(id, t.getName());
                ExecutorModels.ORIGINAL.put(id, t.getImage());
            }
            // the model opened by an earlier task of this run on this executor, else opened now
            String key = yamlPath + "|" + yamlText + "|" + e.getKey() + "|" + store.describe() + "|" + threads;
            BatchWorker worker = ExecutorModels.borrow(key, () -> job.worker(e.getKey(), store,
                    id -> HadoopImages.read(ExecutorModels.ORIGINAL.get(id)), threads, ExecutorModels.ORIGINAL::get));
            boolean healthy = false;
            try {
                worker.run(images, names, listener);
                healthy = true;
            } finally {
                images.forEach(ExecutorModels.ORIGINAL::remove);
                if (healthy) {
                    ExecutorModels.giveBack(key, worker);
                } else {
                    worker.close();
                }
            }
        }
        return records.iterator();
    }

    /** The test hook's image count for this task, or -1. */
    private static int injectedFailure() {
        String n = System.getProperty(FAIL_AFTER);
        TaskContext task = TaskContext.get();
        boolean first = task != null && task.attemptNumber() == 0 && task.partitionId() == 0;
        return n != null && first ? Integer.parseInt(n) : -1;
    }
}
