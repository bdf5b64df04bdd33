package org.cam4j.engine.batch;

import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.DetectionRequest;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.ModelRequest;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.MethodRequest;
import org.cam4j.engine.ModelOpening;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.Limits;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.OutputFormats;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.engine.store.OutputStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;

/**
 * A batch run as its YAML describes it, checked before anything runs: models, methods with options, images with
 * their unique output names, formats, targets, evaluation. {@code cam batch} runs it on this machine; the Spark
 * module ships its YAML text to executors, which rebuild it with {@link #onExecutor} and run
 * {@link BatchWorker}s over their share of the images.
 */
public final class BatchJob {
    /** How a {@code methods[]} entry's keys are named in messages (the file's name is put before the message). */
    private static final FieldNames METHOD_FIELDS = field -> field.equals("option") ? "methods[].options key"
            : "methods[]." + field;

    private final Path yaml;
    private final String text;
    private final Path base;
    private final BatchConfig config;
    private final List<String> formats;
    private final float imageWeight;
    private final List<MethodChoice> methods;
    private final List<BatchConfig.ModelEntry> models;
    private final List<String> modelNames;
    /** How messages name the YAML's top-level keys: {@code run.yaml: image_weight}. */
    private final FieldNames fields;
    private final CamRequest.Task task;
    private final DetectionRequest detectionRequest;
    /** The evaluate section, checked, or null without one. */
    private final EvaluationRequest evaluation;
    /** Fetches a model named by a URI (hdfs://...) to a local file; null where only local paths are read. */
    private final Function<String, Path> remoteModels;
    private List<Path> images = List.of();
    private Map<Path, String> names = Map.of();

    /**
     * @param checkModels whether every model file is looked up now (the driver and local runs: a missing model is
     *     an error before anything runs); executors open only the models their tasks name
     */
    private BatchJob(Path yaml, String text, Path base, BatchConfig config, Function<String, Path> remoteModels,
                     boolean checkModels) {
        this.yaml = yaml;
        this.remoteModels = remoteModels;
        this.text = text;
        this.base = base;
        this.config = config;
        this.fields = field -> yaml + ": " + (field.equals("metrics") ? "evaluate" : field);
        this.formats = config.formats() == null ? List.of("png", "json", "html") : config.formats();
        formats.forEach(f -> OutputFormats.check(f, OutputFormats.BATCH, fields.of("formats")));
        this.task = task(config);
        if (task == CamRequest.Task.SEGMENTATION && config.targets() != null) {
            throw new RequestException(yaml + ": 'targets' is for classifiers; with 'task: segmentation' the target is"
                    + " the class over the model's own mask, 'segmentation.class'");
        }
        CamRequest.checkTask(task, config.targets() == null ? 0 : 1, config.evaluate() != null, fields);
        this.detectionRequest = task == CamRequest.Task.DETECTION ? BatchDetection.request(config.detection(), yaml)
                : null;
        this.imageWeight = Limits.imageWeight(config.imageWeight() == null ? 0.5f : config.imageWeight(),
                fields.of("image_weight"));
        this.methods = methods(required(config.methods(), "methods"));
        required(config.images(), "images");
        this.models = config.models() == null || config.models().isEmpty()
                ? List.of(new BatchConfig.ModelEntry(null, null, null, null, null, null, null, null, null, null, null))
                : config.models();
        Map<String, String> byName = new LinkedHashMap<>();
        for (BatchConfig.ModelEntry entry : models) {
            String name = modelName(entry);
            if (byName.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), name) != null) {
                throw new RequestException(yaml + ": two models are named '" + name + "' (their output folder); give each"
                        + " a distinct name:");
            }
            Limits.threads(entry.threads() == null ? 0 : entry.threads(), yaml + ": models[].threads");
            if (checkModels) {
                modelPath(entry);
            }
        }
        this.modelNames = List.copyOf(byName.values());
        if (config.targets() != null && config.targets().csv() != null
                && !Files.isRegularFile(base.resolve(config.targets().csv()))) {
            throw new RequestException(yaml + ": targets.csv file " + base.resolve(config.targets().csv())
                    + " does not exist");
        }
        BatchConfig.EvaluateSpec evaluate = config.evaluate();
        this.evaluation = evaluate == null ? null : EvaluationRequest.of(required(evaluate.metrics(),
                "evaluate.metrics"), false, name -> yaml + ": evaluate.metrics: " + EvaluationRequest.needsGroundTruth(
                name) + ", which batch runs do not take; use 'cam evaluate --masks' or '--boxes'", evaluate.roadNoise(),
                evaluate.roadPercentiles(), evaluate.seed(), FieldNames.yaml(yaml, "evaluate"));
    }

    /** A job from a YAML whose models are local files; {@code lister} turns the image specs into images. */
    public static BatchJob load(Path yaml, Function<List<String>, List<Path>> lister) {
        return load(yaml, lister, null);
    }

    /**
     * The same where models may be named by URIs of other file systems ({@code hdfs://...}): {@code remoteModels}
     * fetches each to a local file (with its YAML and labels), as ONNX Runtime reads local files.
     */
    public static BatchJob load(Path yaml, Function<List<String>, List<Path>> lister,
                                Function<String, Path> remoteModels) {
        BatchConfig config = Yaml.readSnake(yaml, BatchConfig.class);
        String text;
        try {
            text = Files.readString(yaml);
        } catch (java.io.IOException e) {
            throw new RequestException("cannot read " + yaml + ": " + e.getMessage());
        }
        BatchJob job = new BatchJob(yaml, text, yaml.toAbsolutePath().getParent(), config, remoteModels, true);
        job.images = lister.apply(config.images()).stream().distinct().toList();
        job.names = OutputNames.assign(job.images);
        return job;
    }

    /** The local file system's lister: {@link ImageInputs} relative to the YAML's folder. */
    public static Function<List<String>, List<Path>> localImages(Path yaml) {
        return specs -> ImageInputs.expand(specs, yaml.toAbsolutePath().getParent());
    }

    /** The job on an executor, from the YAML text the driver checked; its images come with the tasks. */
    public static BatchJob onExecutor(String yamlText, String yamlPath, Function<String, Path> remoteModels) {
        Path yaml = Path.of(yamlPath);
        return new BatchJob(yaml, yamlText, yaml.toAbsolutePath().getParent(),
                Yaml.readSnakeText(yamlText, BatchConfig.class), remoteModels, false);
    }

    /** The YAML text, to ship to executors. */
    public String yamlText() {
        return text;
    }

    /** The YAML file. */
    public Path yaml() {
        return yaml;
    }

    /** The output folder the YAML names (relative to its folder), or null. */
    public String output() {
        return config.output();
    }

    /** The images, in order. */
    public List<Path> images() {
        return images;
    }

    /** Each image's unique output name (see {@link OutputNames}). */
    public Map<Path, String> names() {
        return names;
    }

    /** The models' names (their output folders), in the YAML's order. */
    public List<String> modelNames() {
        return modelNames;
    }

    /** The output formats. */
    public List<String> formats() {
        return formats;
    }

    /** Number of methods. */
    public int methodCount() {
        return methods.size();
    }

    /**
     * Opens one model for explaining images into {@code store}; images are read with {@code reader} (null: local
     * files). The caller closes it.
     */
    public BatchWorker worker(String modelName, OutputStore store, Function<Path, byte[]> reader) {
        return worker(modelName, store, reader, 0);
    }

    /**
     * The same with {@code threads} for the model and the image workers where the YAML sets none (a Spark task's
     * cores); 0 for the runtime's default and every core.
     */
    public BatchWorker worker(String modelName, OutputStore store, Function<Path, byte[]> reader, int threads) {
        return worker(modelName, store, reader, threads, Path::toString);
    }

    /** The same, records naming each image as {@code shown} says (a Spark run's URIs). */
    public BatchWorker worker(String modelName, OutputStore store, Function<Path, byte[]> reader, int threads,
                              Function<Path, String> shown) {
        int at = modelNames.indexOf(modelName);
        if (at < 0) {
            throw new RequestException(yaml + " has no model named '" + modelName + "'");
        }
        return new BatchWorker(this, models.get(at), modelName, store, reader, threads, shown);
    }

    /**
     * Opens every model once and closes it: a model the run cannot use (a missing file, a detector without
     * {@code task: detection}, bad preprocessing or labels) is refused in one line before any image is explained. The
     * driver of a Spark run calls this before starting executors, whose failures Spark would log with stack traces,
     * and a local run of several models before the first (one model is opened first anyway).
     */
    public void checkModels(OutputStore store) {
        for (String model : modelNames) {
            try (BatchWorker worker = worker(model, store, null, 1)) {
                worker.check();
            }
        }
    }

    /**
     * Writes {@code summary.json} and {@code report.html} (as the formats ask) from every image's record, in model
     * then image order.
     */
    public void finish(List<JsonNode> records, OutputStore store, Path reportRoot) {
        ArrayNode summary = Yaml.json().createArrayNode();
        List<JsonNode> rows = new ArrayList<>(records);
        List<String> order = modelNames.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
        rows.sort(java.util.Comparator.comparingInt((JsonNode r) -> order.indexOf(r.path("model").asText()
                .toLowerCase(java.util.Locale.ROOT))).thenComparing(r -> r.path("image").asText()));
        summary.addAll(rows);
        try {
            if (formats.contains("json")) {
                store.write("summary.json", Yaml.json().writeValueAsBytes(summary));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (formats.contains("html")) {
            store.write("report.html", HtmlReport.render(summary, reportRoot, methods.stream()
                    .map(MethodChoice::method).toList()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The one-line summary of a finished run. */
    public String summaryLine(int done, int failed, String where) {
        return "explained " + done + " image(s) with " + methods.size() + " method(s) into " + where
                + (failed == 0 ? "" : "; " + failed + " failed");
    }

    /** The YAML's folder, against which its relative paths are read. */
    public Path base() {
        return base;
    }

    /** The YAML as read. */
    public BatchConfig config() {
        return config;
    }

    /** The methods with their options. */
    public List<MethodChoice> methods() {
        return methods;
    }

    /**
     * Where a model entry's file is (a local copy of a remote one), or without a path the bundled model's (the
     * bundled detector's for {@code task: detection}).
     */
    public Path modelPath(BatchConfig.ModelEntry entry) {
        if (entry.path() != null && namesFileSystem(entry.path())) {
            if (remoteModels == null) {
                throw new RequestException(yaml + ": model " + entry.path() + " is on another file system; a local run"
                        + " reads local files (copy it here, or run with --spark)");
            }
            return remoteModels.apply(entry.path());
        }
        // the bundled model is unpacked only when a model names none (a run killed on purpose leaves nothing behind)
        Path model = entry.path() != null ? base.resolve(entry.path())
                : task == CamRequest.Task.DETECTION ? DefaultModel.detector() : DefaultModel.model();
        return ModelOpening.existing(model);
    }

    /** Whether a path in a YAML names a file system by URI ({@code hdfs://nn/x}, {@code file:///x}). */
    public static boolean namesFileSystem(String path) {
        return path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    private String modelName(BatchConfig.ModelEntry entry) {
        if (entry.name() != null) {
            return OutputFolder.safeName(entry.name());
        }
        Path p = entry.path() != null ? Path.of(entry.path()) : Path.of(task == CamRequest.Task.DETECTION
                ? "version-RFB-320.onnx" : "pretrainedResnet_cifar10.onnx");
        return OutputFolder.safeName(OutputNames.base(p));
    }

    private CamRequest.Task task(BatchConfig c) {
        String task = c.task() == null ? "classification" : c.task();
        if (!List.of("classification", "detection", "segmentation").contains(task)) {
            throw new RequestException(yaml + ": unknown task '" + task + "'; use classification, detection or"
                    + " segmentation");
        }
        if (!task.equals("detection") && c.detection() != null) {
            throw new RequestException(yaml + ": a 'detection' section needs 'task: detection'");
        }
        if (!task.equals("segmentation") && c.segmentation() != null) {
            throw new RequestException(yaml + ": a 'segmentation' section needs 'task: segmentation'");
        }
        return CamRequest.Task.valueOf(task.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * The request of one model entry: the entry's keys in place of its model YAML's, the run's methods, evaluation,
     * detection section and photo weight. A {@code targets} section is read per image by the worker.
     *
     * @param entry the model entry
     * @param threads the model's threads where the entry sets none (0: the runtime's default)
     * @return the request
     */
    CamRequest request(BatchConfig.ModelEntry entry, int threads) {
        Path modelPath = modelPath(entry);
        ModelSettings beside = ModelSettings.beside(modelPath);
        ModelSettings settings = new ModelSettings(entry.preprocessing() != null ? entry.preprocessing()
                : beside.preprocessing(), beside.labels(), entry.layers() != null ? entry.layers()
                : beside.defaultLayers(), null, entry.reshape() != null ? entry.reshape() : beside.reshape());
        // preprocessing errors name the file and key the values came from
        FieldNames preprocessingNames = entry.preprocessing() != null ? FieldNames.yaml(yaml, "models[].preprocessing")
                : FieldNames.yaml(ModelSettings.fileBeside(modelPath), "preprocessing");
        ModelSetup setup = new ModelSetup(new ModelRequest(modelPath, entry.backend(), entry.device(),
                entry.threads() == null ? threads : entry.threads(), settings.reshape(), entry.tag(), entry.signature(),
                true), settings, preprocessingNames, PreprocessingRequest.NONE,
                entry.labels() == null ? null : base.resolve(entry.labels()), null, preprocessingNames);
        BatchConfig.SegmentationSpec section = config.segmentation();
        List<String> targets = task == CamRequest.Task.SEGMENTATION && section != null && section.category() != null
                ? List.of(section.category()) : List.of();
        return CamRequest.of(task, setup, methods, targets, TargetSpecs.Files.from(base), evaluation,
                detectionRequest, imageWeight, fields);
    }

    private List<MethodChoice> methods(List<BatchConfig.MethodEntry> entries) {
        Map<String, MethodChoice> out = new LinkedHashMap<>();
        for (BatchConfig.MethodEntry e : entries) {
            CamMethod m = Methods.get(required(e.name(), "methods[].name"));
            CamOptions options;
            try {
                options = new MethodRequest(List.of(m), e.batchSize(), Boolean.TRUE.equals(e.eigenSmooth()),
                        Boolean.TRUE.equals(e.augSmooth()), false, e.options()).choices(METHOD_FIELDS).get(0).options();
            } catch (RequestException x) {
                throw new RequestException(yaml + ": " + x.getMessage());
            }
            if (out.containsKey(m.name()) && !out.get(m.name()).options().equals(options)) {
                throw new RequestException(yaml + ": method " + m.name() + " is listed twice with different settings;"
                        + " list it once");
            }
            out.putIfAbsent(m.name(), new MethodChoice(m, options));
        }
        return List.copyOf(out.values());
    }

    private <T> T required(T value, String key) {
        if (value == null) {
            throw new RequestException(yaml + ": the batch YAML needs '" + key + "'");
        }
        return value;
    }
}
