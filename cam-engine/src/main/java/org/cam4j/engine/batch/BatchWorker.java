package org.cam4j.engine.batch;

import org.cam4j.engine.FieldNames;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.engine.TargetNames;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.Limits;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MetricScores;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.MapFiles;
import org.cam4j.engine.store.OutputStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cam4j.image.ImageFiles;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.CamResult;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;

/**
 * One model of a batch run, opened once, explaining images into an {@link OutputStore}: overlays, maps and, per
 * finished image, a record ({@code <model>/.done/<name>.json}, holding the image's path) written after every output
 * of the image is in place. Images with a record naming them are skipped (their record is reported as is), so a
 * rerun, or a retried Spark task, duplicates nothing. A bad image is a failed record, not a failed run.
 */
public final class BatchWorker implements AutoCloseable {
    /** What happens to each image, in any thread. */
    public interface Listener {
        /** A finished image's record: explained now, or before (skipped). */
        void finished(JsonNode record, boolean skipped);

        /** An image that failed, with its error record. */
        void failed(JsonNode record);
    }

    private final BatchJob job;
    private final CamRequest request;
    private final String modelName;
    private final OutputStore store;
    private final Function<Path, byte[]> reader;
    private final ObjectMapper json = Yaml.json();
    private final ExplainableModel model;
    private final ImageExplainer explainer;
    private final BatchDetection detection;
    private final BatchSegmentation segmentation;
    private final int workers;
    /** How records name an image (its path; for Spark, the URI the driver listed). */
    private final Function<Path, String> shown;

    /**
     * Opens one model of a job for explaining its images into {@code store} ({@code reader} null: local files; {@code
     * shown} names images in records).
     */
    public BatchWorker(BatchJob job, BatchConfig.ModelEntry entry, String modelName, OutputStore store,
                Function<Path, byte[]> reader, int threads, Function<Path, String> shown) {
        this.job = job;
        this.shown = shown;
        this.workers = threads > 0 ? threads : Limits.cores();
        this.modelName = modelName;
        this.store = store;
        this.reader = reader;
        this.request = job.request(entry, threads);
        if (request.task() == CamRequest.Task.DETECTION) {
            DetectorOpening.Opened opened = request.openDetector();
            this.model = opened.model();
            try {
                this.detection = new BatchDetection(request.detector(opened), request.detection(), json,
                        job.formats());
                this.explainer = null;
                this.segmentation = null;
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        } else {
            this.model = request.model().open();
            try {
                DetectorRefusal.check(model, job.yaml() + ": model " + modelName, null, DetectorRefusal.Where.BATCH);
                this.explainer = request.explainer(model);
                this.detection = null;
                BatchConfig.SegmentationSpec spec = job.config().segmentation();
                this.segmentation = request.task() != CamRequest.Task.SEGMENTATION ? null : new BatchSegmentation(
                        explainer, new ImageSegmenter(explainer, job.yaml() + ": model " + modelName,
                        request.targets().isEmpty() ? null : request.targets().get(0),
                        spec == null || spec.threshold() == null ? ImageSegmenter.DEFAULT_THRESHOLD : spec.threshold(),
                        null, FieldNames.yaml(job.yaml(), "segmentation")), job.formats());
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /** Explains these images (named as {@code names} says), skipping those already finished. */
    public void run(List<Path> images, Map<Path, String> names, Listener listener) {
        List<Path> todo = new ArrayList<>();
        for (Path image : images) {
            JsonNode record = finished(names.get(image), image);
            if (record != null) {
                listener.finished(record, true);
            } else {
                todo.add(image);
            }
        }
        if (detection != null) {
            try (ImagePipeline writer = detection.writer(workers)) {
                detection.run(writer, todo, shown, reader, modelName, names, request.methods(), store,
                        this::writeRecord, listener);
            }
            return;
        }
        if (segmentation != null) {
            try (ImagePipeline pipeline = new ImagePipeline(explainer.preprocessing(), ImageFiles.DEFAULT_MAX_PIXELS,
                    workers, reader)) {
                segmentation.run(pipeline, todo, request.methods(), new BatchSegmentation.Context(modelName, names, store,
                        this::writeRecord, listener, image -> json.createObjectNode().put("model", modelName)
                        .put("image", shown.apply(image)), (image, reason) -> listener.failed(failure(image,
                        reason))));
            }
            return;
        }
        Map<Path, List<Target>> targets = targets(job.config().targets(), images, model.output().valuesPerImage());
        int top = Math.max(5, targets.values().stream().mapToInt(List::size).max().orElse(1));
        try (ImagePipeline pipeline = new ImagePipeline(explainer.preprocessing(), ImageFiles.DEFAULT_MAX_PIXELS,
                workers, reader)) {
            new ExplainLoop(explainer, pipeline).run(todo, targets::get, request.methods(), top, new ExplainLoop.Results() {
                @Override
                public void failed(ImagePipeline.Failed f) {
                    listener.failed(failure(f.file(), f.reason()));
                }

                @Override
                public Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                    return new RecordedBatch(pipeline, rows, names, top, listener);
                }
            });
        }
    }

    /**
     * The YAML's {@code targets.specs}, read by the CLI's rule (one target each, for every image); files they name
     * (a concept, a mask, a concept photo) are found beside the YAML, as its other relative paths are.
     */
    private List<Target> typedTargets(BatchConfig.TargetSpec spec, int classes) {
        if (spec.classes() != null || spec.csv() != null || spec.topK() != null) {
            throw new RequestException(job.yaml() + ": targets.specs conflicts with targets.classes, csv and top_k;"
                    + " give one of them");
        }
        if (spec.specs().isEmpty()) {
            throw new RequestException(job.yaml() + ": targets.specs is empty; give TYPE:SPEC targets or leave it out");
        }
        return spec.specs().stream().map(x -> TargetSpecs.parse(x, explainer.labels(), classes,
                request.files(), explainer::embedding)).toList();
    }

    /**
     * Refuses now what the first batch would otherwise find: unknown layers or classes, a layer without a path to
     * the output. One blank image runs forward and back; a cluster's driver does this before any executor starts.
     */
    public void check() {
        if (detection != null || segmentation != null) {
            return;
        }
        BatchConfig.TargetSpec spec = job.config().targets();
        if (spec != null && spec.classes() != null) {
            spec.classes().forEach(c -> explainer.labels().index(c, model.output().valuesPerImage()));
        }
        if (spec != null && spec.specs() != null) {
            typedTargets(spec, model.output().valuesPerImage());
        }
        Preprocessing pre = explainer.preprocessing();
        Tensor blank = pre.batch(List.of(new RgbImage(Tensor.zeros(pre.outputHeight(), pre.outputWidth(), 3))));
        boolean gradients = request.methods().stream()
                .anyMatch(m -> m.method().needs().contains(org.cam4j.model.Capability.GRADIENTS));
        if (gradients) {
            model.forward(blank, explainer.layers(), Targets.topClass(1), true);
        } else {
            model.activations(blank, explainer.layers());
        }
    }

    /** The error record of an image. */
    public ObjectNode failure(Path image, String reason) {
        return json.createObjectNode().put("model", modelName).put("image", shown.apply(image)).put("error", reason);
    }

    /** The record of an image this model already finished, or null; a record naming another image is not it. */
    private JsonNode finished(String name, Path image) {
        byte[] bytes = store.read(recordName(name));
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode rec = json.readTree(bytes);
            return rec.path("image").asText().equals(shown.apply(image)) ? rec : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The store name of an image's record, which marks it done. */
    public String recordName(String name) {
        return modelName + "/.done/" + name + ".json";
    }

    /** Per image, its targets: top-k classes (null = resolved after the forward pass), fixed classes or a CSV. */
    private Map<Path, List<Target>> targets(BatchConfig.TargetSpec spec, List<Path> images, int classes) {
        Map<Path, List<Target>> out = new HashMap<>();
        Map<String, List<Target>> byName = new HashMap<>();
        if (spec != null && spec.csv() != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(job.base().resolve(spec.csv()));
            } catch (IOException e) {
                throw new RequestException(job.yaml() + ": cannot read targets.csv " + spec.csv() + ": " + e.getMessage());
            }
            for (String line : lines) {
                String[] cells = line.split(",");
                if (cells.length < 2 || line.isBlank() || cells[0].equals("image")) {
                    continue;
                }
                byName.computeIfAbsent(cells[0].trim(), k -> new ArrayList<>())
                        .add(new ClassifierOutputTarget(explainer.labels().index(cells[1], classes)));
            }
        }
        int k = spec == null || spec.topK() == null ? 1 : spec.topK();
        if (k < 1 || classes > 0 && k > classes) {
            throw new RequestException(job.yaml() + ": targets.top_k must be between 1 and the model's " + classes
                    + " classes, got " + k);
        }
        List<Target> typed = spec == null || spec.specs() == null ? null : typedTargets(spec, classes);
        for (Path image : images) {
            List<Target> t;
            if (typed != null) {
                t = typed;
            } else if (spec != null && spec.classes() != null) {
                t = spec.classes().stream().distinct()
                        .map(c -> (Target) new ClassifierOutputTarget(explainer.labels().index(c, classes))).toList();
            } else if (spec != null && spec.csv() != null) {
                t = byName.get(image.getFileName().toString());
                if (t == null) {
                    throw new RequestException(job.yaml() + ": targets.csv " + spec.csv() + " has no class for image "
                            + image.getFileName() + "; add a line " + image.getFileName() + ",CLASS");
                }
            } else {
                t = Targets.topClass(k);
            }
            out.put(image, t);
        }
        return out;
    }

    /**
     * One batch's outputs and records. The records' predictions come with the first method's CAMs (or from the
     * loop's top-k inference); each record is written by the last of the batch's output writes, so a record means
     * its outputs are in place.
     */
    private final class RecordedBatch implements Consumer<ExplainLoop.Maps> {
        private final ImagePipeline pipeline;
        private final ExplainLoop.Rows rows;
        private final Map<Path, String> names;
        private final int top;
        private final Listener listener;
        private final List<ObjectNode> records = new ArrayList<>();
        private final int[] firstRow;
        private final AtomicInteger pending;

        RecordedBatch(ImagePipeline pipeline, ExplainLoop.Rows rows, Map<Path, String> names, int top,
                      Listener listener) {
            this.pipeline = pipeline;
            this.rows = rows;
            this.names = names;
            this.top = top;
            this.listener = listener;
            this.pending = new AtomicInteger(request.methods().size() * rows.size());
            this.firstRow = new int[rows.batch().size()];
            for (int row = rows.size() - 1; row >= 0; row--) {
                firstRow[rows.rows().get(row).image()] = row;
            }
        }

        @Override
        public void accept(ExplainLoop.Maps maps) {
            ImagePipeline.Batch batch = rows.batch();
            CamResult r = maps.result();
            MethodChoice m = maps.method();
            if (records.isEmpty()) {
                List<List<ImageExplainer.Prediction>> predictions = rows.first() != null ? null
                        : explainer.predictions(r.outputs(), top);
                for (int i = 0; i < batch.size(); i++) {
                    records.add(record(batch.loaded().get(i).file(), rows.first() != null ? rows.first().get(i)
                            : predictions.get(firstRow[i])));
                }
            }
            EvaluationRequest evaluation = request.evaluation();
            Map<String, String> metricOptions = evaluation == null || job.config().evaluate().options() == null
                    ? Map.of() : job.config().evaluate().options();
            Map<String, double[]> scores = evaluation == null ? Map.of() : MetricScores.scores(evaluation.metrics(),
                    explainer, m, rows.input(), r, evaluation.road(), metricOptions);
            for (int row = 0; row < rows.size(); row++) {
                ImagePipeline.Loaded image = rows.image(row);
                int cls = TargetNames.targetClass(r.targets().get(row));
                // a class by its label; a target of another type (targets.specs) by its type and place in the list
                String label = cls >= 0 ? explainer.labels().name(cls) : TargetNames.targetLabel(r.targets().get(row),
                        explainer.labels()) + "-" + rows.rows().get(row).place();
                String name = modelName + "/" + names.get(image.file()) + "."
                        + OutputFolder.safeName(m.method().name() + "." + label);
                ObjectNode cam = ((ArrayNode) records.get(rows.rows().get(row).image()).get("cams")).addObject()
                        .put("method", m.method().name()).put("class", cls).put("label", label);
                Tensor map = r.cams().slice(row);
                if (!scores.isEmpty()) {
                    ObjectNode metricsNode = cam.putObject("metrics");
                    int at = row;
                    scores.forEach((k, v) -> metricsNode.put(k, v[at]));
                }
                Runnable write = outputs(cam, name, job.formats(), () -> explainer.overlay(image.image(), map), map,
                        store);
                pipeline.submit(() -> {
                    write.run();
                    if (pending.decrementAndGet() == 0) {
                        writeRecords();
                    }
                });
            }
        }

        private void writeRecords() {
            for (int i = 0; i < rows.batch().size(); i++) {
                writeRecord(names.get(rows.batch().loaded().get(i).file()), records.get(i));
                listener.finished(records.get(i), false);
            }
        }
    }

    /** An image's record before its maps are added: the model, the image and its top five predictions. */
    private ObjectNode record(Path image, List<ImageExplainer.Prediction> predictions) {
        ObjectNode rec = json.createObjectNode().put("model", modelName).put("image", shown.apply(image));
        ArrayNode p = rec.putArray("predictions");
        predictions.subList(0, Math.min(5, predictions.size())).forEach(x -> p.addObject()
                .put("class", x.index()).put("label", x.label()).put("probability", x.probability()));
        rec.putArray("cams");
        return rec;
    }

    /**
     * Lists one map's files in its record entry (an overlay per chosen format, the map as .npy) and returns the write
     * that puts them in {@code store}, the overlay blended once for every format.
     */
    public static Runnable outputs(ObjectNode entry, String name, List<String> formats,
                            java.util.function.Supplier<Tensor> overlay, Tensor map, OutputStore store) {
        MapFiles.names(name, formats).forEach(file -> entry.put(file.substring(file.lastIndexOf('.') + 1), file));
        return MapFiles.writer(store, name, formats, overlay, map);
    }

    /** Writes an image's record (last, after its outputs: a record means the image is done). */
    public void writeRecord(String name, JsonNode record) {
        try {
            store.write(recordName(name), json.writeValueAsBytes(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
