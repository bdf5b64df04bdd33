package org.cam4j.engine.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.store.LocalStore;
import org.cam4j.engine.store.OutputFolder;

/**
 * A batch run in this process: every model of a run YAML over its images into a local output folder, resumable
 * (finished images are skipped), with its summary and report written at the end. Doors show progress and the outcome.
 */
public final class LocalBatch {
    /**
     * What a run did: every image's record, the failures as {@code image: reason} lines, the output folder, and how
     * many images (times models) were skipped as finished by an earlier run.
     */
    public record Outcome(List<JsonNode> records, List<String> failures, Path root, int alreadyDone) {
    }

    /** Told of every image and model once it is finished (or skipped as finished before) or has failed; any thread. */
    public interface Progress {
        /** One image and model done (its record) or failed. */
        void step(JsonNode record, boolean failed);
    }

    private final BatchJob job;
    private final OutputFolder out;
    private final LocalStore store;

    private LocalBatch(BatchJob job, OutputFolder out) {
        this.job = job;
        this.out = out;
        this.store = new LocalStore(out);
        store.removeUnfinishedWrites();
        if (job.modelNames().size() > 1) {
            // a run of several models is refused up front, not after hours on the first ones
            job.checkModels(store);
        }
    }

    /**
     * Reads and checks the run, and with several models opens each once (a model it cannot use is refused before
     * any image is explained); {@code outOverride} replaces the YAML's output folder when not null.
     */
    public static LocalBatch prepare(Path yaml, Path outOverride) {
        BatchJob job = BatchJob.load(yaml, BatchJob.localImages(yaml));
        if (outOverride == null && job.output() == null) {
            throw new RequestException(yaml + ": the batch YAML needs 'output'");
        }
        if (outOverride == null) {
            OutputFolder.refuseUri(job.output(), yaml + ": output");
        }
        Path outPath = outOverride != null ? outOverride : yaml.toAbsolutePath().getParent().resolve(job.output());
        return new LocalBatch(job, OutputFolder.create(outPath, "--out or the YAML's output"));
    }

    /** Images times models: the number of steps {@link #run} reports. */
    public int steps() {
        return job.images().size() * job.modelNames().size();
    }

    /**
     * Runs every model over every image not done before, telling {@code progress} of each; writes the summary and
     * report.
     */
    public Outcome run(Progress progress) {
        List<JsonNode> records = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger skippedCount = new java.util.concurrent.atomic.AtomicInteger();
        BatchWorker.Listener listener = new BatchWorker.Listener() {
            @Override
            public void finished(JsonNode record, boolean skipped) {
                if (skipped) {
                    skippedCount.incrementAndGet();
                }
                records.add(record);
                progress.step(record, false);
            }

            @Override
            public void failed(JsonNode record) {
                records.add(record);
                failures.add(record.path("image").asText() + ": " + record.path("error").asText());
                progress.step(record, true);
            }
        };
        for (String model : job.modelNames()) {
            try (BatchWorker worker = job.worker(model, store, null)) {
                worker.run(job.images(), job.names(), listener);
            }
        }
        job.finish(records, store, out.root());
        return new Outcome(List.copyOf(records), List.copyOf(failures), out.root(), skippedCount.get());
    }

    /** The one-line summary of an outcome, with how many images were explained now and skipped as done before. */
    public String summaryLine(Outcome outcome) {
        int finished = outcome.records().size() - outcome.failures().size();
        return job.summaryLine(finished, outcome.failures().size(), outcome.root().toString()) + " ("
                + (finished - outcome.alreadyDone()) + " explained, " + outcome.alreadyDone() + " already done)";
    }
}
