package org.cam4j.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.cam4j.pipeline.CamResult;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.timing.Timings;

/**
 * The explain loop behind every door ({@code cam explain}, {@code cam batch}, Spark's partitions, {@code cam serve},
 * {@code cam bench}): images decoded ahead on a pipeline's workers, {@value #IMAGE_BATCH} at a time, one model row
 * per (image, target), every method's maps computed for the whole batch, and each result handed to the door's
 * {@link Results}, which writes behind on the same pipeline. An image with several top-class targets (top-k) has them
 * resolved to its k best classes by one plain inference first; a single top class is resolved inside the CAM's own
 * pass.
 */
public final class ExplainLoop {
    /** Images per model batch. */
    public static final int IMAGE_BATCH = 8;

    /** One model row: the batch's image it belongs to, its place among that image's targets, and its target. */
    public record Row(int image, int place, Target target) {
    }

    /**
     * One batch as the model sees it: the decoded images, the rows, the rows' input, and the predictions of each
     * image when they were computed before any map (top-k targets), else null.
     */
    public record Rows(ImagePipeline.Batch batch, List<Row> rows, Tensor input,
                       List<List<ImageExplainer.Prediction>> first) {
        /** Number of rows. */
        public int size() {
            return rows.size();
        }

        /** The decoded image of a row. */
        public ImagePipeline.Loaded image(int row) {
            return batch.loaded().get(rows.get(row).image());
        }
    }

    /** One method's maps for every row of a batch, with the seconds it took. */
    public record Maps(MethodChoice method, CamResult result, double seconds) {
    }

    /**
     * Each image's targets, from the image and, when the rule reads them, the model's outputs for it (a segmenter's
     * mask is taken from its own output); an image without targets has no rows.
     */
    public interface TargetRule {
        /** The image's targets ({@code outputs} the model's for it when {@link #readsOutputs}, else null). */
        List<Target> targets(ImagePipeline.Loaded image, Tensor outputs);

        /** Whether {@link #targets} reads the outputs (one plain inference of the batch first). */
        default boolean readsOutputs() {
            return false;
        }

        /** The targets of each file, whatever the outputs. */
        static TargetRule byFile(Function<Path, List<Target>> targets) {
            return (image, outputs) -> targets.apply(image.file());
        }
    }

    /** Where a door takes the loop's results, on the loop's thread, in image order. */
    public interface Results {
        /** An image that could not be read. */
        void failed(ImagePipeline.Failed failed);

        /** A batch's rows are ready; the returned consumer takes each method's maps for them, in method order. */
        java.util.function.Consumer<Maps> batch(Rows rows);
    }

    private final ImageExplainer explainer;
    private final ImagePipeline pipeline;

    /** A loop of this explainer over images decoded (and outputs written) by this pipeline. */
    public ExplainLoop(ImageExplainer explainer, ImagePipeline pipeline) {
        this.explainer = explainer;
        this.pipeline = pipeline;
    }

    /**
     * Explains the files with every method; {@code targets} gives each file's targets, {@code top} how many
     * predictions a top-k resolution reads. Returns after every write submitted to the pipeline has finished.
     */
    public void run(List<Path> files, Function<Path, List<Target>> targets, List<MethodChoice> methods, int top,
                    Results results) {
        run(files, TargetRule.byFile(targets), methods, top, results);
    }

    /** {@link #run(List, Function, List, int, Results)} with targets that may come from the model's outputs. */
    public void run(List<Path> files, TargetRule targets, List<MethodChoice> methods, int top, Results results) {
        int batches = 0;
        for (Iterator<ImagePipeline.Batch> it = pipeline.batches(files, IMAGE_BATCH); it.hasNext(); ) {
            long start = System.nanoTime();
            ImagePipeline.Batch batch = it.next();
            Timings.add("wait for decoded images", System.nanoTime() - start);
            batch.failed().forEach(results::failed);
            if (batch.size() > 0) {
                try (Timings.Phase t = Timings.phase(batches++ == 0 ? "explain the first batch"
                        : "explain later batches")) {
                    explain(rows(batch, targets, top), methods, results);
                }
            }
        }
        try (Timings.Phase t = Timings.phase("wait for the last writes")) {
            pipeline.finish();
        }
    }

    private void explain(Rows rows, List<MethodChoice> methods, Results results) {
        java.util.function.Consumer<Maps> sink = results.batch(rows);
        if (rows.size() == 0) {
            return;
        }
        List<Target> targets = rows.rows().stream().map(Row::target).toList();
        for (MethodChoice m : methods) {
            long start = System.nanoTime();
            CamResult r = explainer.run(m.method(), m.options(), rows.input(), targets);
            sink.accept(new Maps(m, r, (System.nanoTime() - start) / 1e9));
        }
    }

    /** One row per (image, target); an image's top-k targets become its k best classes. */
    private Rows rows(ImagePipeline.Batch batch, TargetRule targets, int top) {
        Tensor input = batch.input();
        Tensor outputs = targets.readsOutputs() ? explainer.model().predict(input) : null;
        List<List<Target>> perImage = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            perImage.add(targets.targets(batch.loaded().get(i), outputs == null ? null : outputs.slice(i)));
        }
        boolean classesFirst = perImage.stream().anyMatch(t -> t.stream().filter(Targets::isTopClass).count() > 1);
        List<List<ImageExplainer.Prediction>> first = classesFirst ? explainer.predictions(outputs != null ? outputs
                : explainer.model().predict(input), top) : null;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<Target> t = perImage.get(i);
            for (int k = 0; k < t.size(); k++) {
                rows.add(new Row(i, k, !Targets.isTopClass(t.get(k)) || first == null ? t.get(k)
                        : new ClassifierOutputTarget(first.get(i).get(k).index())));
            }
        }
        Tensor rowInput = rows.isEmpty() ? null : Tensor.stack(rows.stream().map(r -> input.slice(r.image())).toList());
        return new Rows(batch, rows, rowInput, first);
    }
}
