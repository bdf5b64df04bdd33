package org.cam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import org.cam4j.pipeline.ImagePipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.Backends;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.target.ClassifierOutputTarget;
import org.cam4j.target.Target;
import org.cam4j.tensor.AtomicFiles;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cam batch run.yaml}: explains a folder of images with several models and methods, as the YAML says.
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
    private static final int IMAGE_BATCH = 8;
    private static final List<String> FORMATS = List.of("png", "jpg", "npy", "json", "html");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN.yaml", description = "The batch configuration.")
    Path yaml;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (overrides the YAML's output).")
    Path outOverride;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    private final ObjectMapper json = Yaml.json();

    @Override
    public Integer call() throws IOException {
        BatchConfig config = Yaml.readSnake(yaml, BatchConfig.class);
        Path base = yaml.toAbsolutePath().getParent();
        Path outPath = outOverride != null ? outOverride : base.resolve(required(config.output(), "output"));
        List<String> formats = config.formats() == null ? List.of("png", "json", "html") : config.formats();
        for (String f : formats) {
            if (!FORMATS.contains(f)) {
                throw new CliException(yaml + ": unknown format '" + f + "'; use " + String.join(", ", FORMATS));
            }
        }
        if (detection(config) && (config.evaluate() != null || config.targets() != null)) {
            throw new CliException(yaml + ": 'evaluate' and 'targets' are for classifiers; with 'task: detection'"
                    + " every detection is explained (see the 'detection' section)");
        }
        float imageWeight = Limits.imageWeight(config.imageWeight() == null ? 0.5f : config.imageWeight(),
                yaml + ": image_weight");
        List<Method> methods = methods(required(config.methods(), "methods"));
        List<Path> images = ImageInputs.expand(required(config.images(), "images"), base).stream().distinct().toList();
        List<BatchConfig.ModelEntry> models = config.models() == null || config.models().isEmpty()
                ? List.of(new BatchConfig.ModelEntry(null, null, null, null, null, null, null, null, null, null, null))
                : config.models();
        Map<String, BatchConfig.ModelEntry> byName = new LinkedHashMap<>();
        for (BatchConfig.ModelEntry entry : models) {
            Path modelPath = modelPath(entry, base);
            String name = OutputFolder.safeName(entry.name() != null ? entry.name() : ExplainCommand.base(modelPath));
            if (byName.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), entry) != null) {
                throw new CliException(yaml + ": two models are named '" + name + "' (their output folder); give each"
                        + " a distinct name:");
            }
            Limits.threads(entry.threads() == null ? 0 : entry.threads(), yaml + ": models[].threads");
        }
        if (config.targets() != null && config.targets().csv() != null
                && !Files.isRegularFile(base.resolve(config.targets().csv()))) {
            throw new CliException(yaml + ": targets.csv file " + base.resolve(config.targets().csv())
                    + " does not exist");
        }
        OutputFolder out = OutputFolder.create(outPath, "--out or the YAML's output");
        removeUnfinishedWrites(out.root());
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Map<Path, String> names = OutputNames.assign(images);
        List<org.cam4j.spi.CamMetric> metrics = config.evaluate() == null ? List.of()
                : required(config.evaluate().metrics(), "evaluate.metrics").stream().distinct()
                .map(org.cam4j.spi.Metrics::get).toList();
        for (org.cam4j.spi.CamMetric m : metrics) {
            if (m.needsGroundTruth()) {
                throw new CliException(yaml + ": evaluate.metrics: " + m.name() + " needs ground-truth masks, which"
                        + " batch runs do not take; use 'cam evaluate --masks'");
            }
        }
        Run run = new Run(out, formats, methods, names, imageWeight, json.createArrayNode(), new ArrayList<>(),
                metrics, config.evaluate());
        try (ProgressBar bar = progress(images.size() * models.size())) {
            for (BatchConfig.ModelEntry entry : models) {
                runModel(entry, base, run, images, config, bar, err);
            }
        }
        sortByModelAndImage(run.summary(), new ArrayList<>(byName.keySet()));
        if (formats.contains("json")) {
            AtomicFiles.write(out.file("summary.json"), json.writeValueAsBytes(run.summary()));
        }
        if (formats.contains("html")) {
            AtomicFiles.write(out.file("report.html"), HtmlReport.render(run.summary(), out.root(),
                    methods.stream().map(Method::method).toList()).getBytes(StandardCharsets.UTF_8));
        }
        int done = run.summary().size() - run.failures().size();
        stdout.println("explained " + done + " image(s) with " + methods.size() + " method(s) into " + out.root()
                + (run.failures().isEmpty() ? "" : "; " + run.failures().size() + " failed"));
        if (!run.failures().isEmpty()) {
            run.failures().forEach(f -> err.println("cam: failed: " + f));
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }

    /** The YAML's evaluate metrics for one method's maps of a batch: per metric name, one value per row. */
    private static Map<String, double[]> evaluate(Run run, ImageExplainer explainer, Method m, Tensor input,
                                                  CamResult r) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (run.metrics().isEmpty()) {
            return out;
        }
        BatchConfig.EvaluateSpec spec = run.evaluate();
        List<Double> percentiles = spec.roadPercentiles() == null ? List.of(20.0, 40.0, 60.0, 80.0)
                : spec.roadPercentiles();
        try (org.cam4j.pipeline.Cam cam = explainer.cam(m.method(), m.options())) {
            org.cam4j.metrics.MetricContext context = new org.cam4j.metrics.MetricContext(explainer.model(), input,
                    r.cams(), r.targets(), percentiles.get(0), percentiles, spec.roadNoise() == null ? 0.01
                    : spec.roadNoise(), spec.seed() == null ? 0 : spec.seed(), cam)
                    .withOptions(spec.options() == null ? Map.of() : spec.options());
            for (org.cam4j.spi.CamMetric metric : run.metrics()) {
                out.putAll(EvaluateCommand.scores(metric, context));
            }
        }
        return out;
    }

    /** Records in the YAML's model order, then by image path (writes finish in any order). */
    private static void sortByModelAndImage(ArrayNode summary, List<String> models) {
        List<JsonNode> rows = new ArrayList<>();
        summary.forEach(rows::add);
        rows.sort(java.util.Comparator.comparingInt((JsonNode r) -> models.indexOf(r.path("model").asText()
                .toLowerCase(java.util.Locale.ROOT))).thenComparing(r -> r.path("image").asText()));
        summary.removeAll();
        summary.addAll(rows);
    }

    /** A method of the run with its options, checked before any model opens. */
    record Method(CamMethod method, CamOptions options) {
    }

    /** What every model of a run shares: where and what to write, and what was done. */
    private record Run(OutputFolder out, List<String> formats, List<Method> methods, Map<Path, String> names,
                       float imageWeight, ArrayNode summary, List<String> failures,
                       List<org.cam4j.spi.CamMetric> metrics, BatchConfig.EvaluateSpec evaluate) {
        /** Adds a record; writer threads add too. */
        void add(JsonNode record) {
            synchronized (summary) {
                summary.add(record);
            }
        }
    }

    private List<Method> methods(List<BatchConfig.MethodEntry> entries) {
        Map<String, Method> out = new LinkedHashMap<>();
        for (BatchConfig.MethodEntry e : entries) {
            CamMethod m = Methods.get(required(e.name(), "methods[].name"));
            int batchSize = Limits.batchSize(e.batchSize() == null ? 32 : e.batchSize(), yaml + ": methods[].batch_size");
            CamOptions base = new CamOptions(Boolean.TRUE.equals(e.eigenSmooth()), Boolean.TRUE.equals(e.augSmooth()),
                    batchSize, Map.of());
            CamOptions options = MethodOptions.forEach(List.of(m), e.options(), base, yaml + ": option").get(m);
            if (out.containsKey(m.name()) && !out.get(m.name()).options().equals(options)) {
                throw new CliException(yaml + ": method " + m.name() + " is listed twice with different settings;"
                        + " list it once");
            }
            out.putIfAbsent(m.name(), new Method(m, options));
        }
        return List.copyOf(out.values());
    }

    private static Path modelPath(BatchConfig.ModelEntry entry, Path base) {
        return ModelArgs.existing(entry.path() == null ? DefaultModel.model() : base.resolve(entry.path()));
    }

    /** Deletes the temporary files of writes a killed run left unfinished (never renamed into place). */
    private static void removeUnfinishedWrites(Path out) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")
                    && f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private ProgressBar progress(int total) {
        return ProgressBars.create("explaining", total, "img", noProgress);
    }

    private <T> T required(T value, String key) {
        if (value == null) {
            throw new CliException(yaml + ": the batch YAML needs '" + key + "'");
        }
        return value;
    }

    private void runModel(BatchConfig.ModelEntry entry, Path base, Run run, List<Path> images, BatchConfig config,
                          ProgressBar bar, PrintWriter err) throws IOException {
        Path modelPath = modelPath(entry, base);
        String modelName = OutputFolder.safeName(entry.name() != null ? entry.name() : ExplainCommand.base(modelPath));
        ModelSettings beside = ModelSettings.beside(modelPath);
        ModelSettings settings = new ModelSettings(entry.preprocessing() != null ? entry.preprocessing()
                : beside.preprocessing(), entry.labels() != null ? base.resolve(entry.labels()).toString()
                : beside.labels() == null ? null : modelPath.resolveSibling(beside.labels()).toString(),
                entry.layers() != null ? entry.layers() : beside.defaultLayers(), null,
                entry.reshape() != null ? entry.reshape() : beside.reshape());
        Labels labels = settings.labels() == null ? Labels.none() : Labels.read(Path.of(settings.labels()));
        ModelOptions options = new ModelOptions(entry.device(), entry.threads() == null ? 0 : entry.threads(),
                settings.reshape(), true, ModelArgs.backendOptions(entry.tag(), entry.signature()));
        if (detection(config)) {
            detectModel(modelPath, modelName, entry.backend(), options, settings, labels, run, images, config, bar);
            return;
        }
        try (ExplainableModel model = Backends.choose(modelPath, entry.backend()).open(modelPath, options)) {
            List<String> layers = ModelArgs.layersOrDefault(null, settings, model);
            ImageExplainer explainer = new ImageExplainer(model, new PreprocessingArgs().resolve(settings, model),
                    labels, layers, run.imageWeight());
            int classes = model.output().valuesPerImage();
            Map<Path, List<Target>> targets = targets(config.targets(), images, labels, base, classes);
            List<Path> todo = new ArrayList<>();
            for (Path image : images) {
                JsonNode record = finished(run.out(), modelName, run.names().get(image), image);
                if (record != null) {
                    run.add(record);
                    bar.step();
                } else {
                    todo.add(image);
                }
            }
            int top = Math.max(5, targets.values().stream().mapToInt(List::size).max().orElse(1));
            try (ImagePipeline pipeline = explainer.pipeline(ImageFiles.DEFAULT_MAX_PIXELS)) {
                for (Iterator<ImagePipeline.Batch> it = pipeline.batches(todo, IMAGE_BATCH); it.hasNext(); ) {
                    ImagePipeline.Batch batch = it.next();
                    for (ImagePipeline.Failed f : batch.failed()) {
                        run.failures().add(f.reason());
                        run.add(json.createObjectNode().put("model", modelName)
                                .put("image", f.file().toString()).put("error", f.reason()));
                        err.println("cam: skipping " + f.file() + ": " + f.reason());
                        bar.step();
                    }
                    if (batch.size() > 0) {
                        explainPart(explainer, pipeline, modelName, batch, run, targets, labels, top, bar);
                    }
                }
                pipeline.finish();
            }
        }
    }

    private boolean detection(BatchConfig config) {
        String task = config.task() == null ? "classification" : config.task();
        if (!task.equals("classification") && !task.equals("detection")) {
            throw new CliException(yaml + ": unknown task '" + task + "'; use classification or detection");
        }
        if (task.equals("classification") && config.detection() != null) {
            throw new CliException(yaml + ": a 'detection' section needs 'task: detection'");
        }
        return task.equals("detection");
    }

    /** The detection task for one model: photos one by one, as cam detect explains them, resumable. */
    private void detectModel(Path modelPath, String modelName, String backend, ModelOptions options,
                             ModelSettings settings, Labels labels, Run run, List<Path> images, BatchConfig config,
                             ProgressBar bar) throws IOException {
        BatchConfig.DetectionSpec spec = config.detection() == null ? BatchConfig.DetectionSpec.defaults()
                : config.detection();
        org.cam4j.detection.PostProcessing post = BatchDetection.postProcessing(spec, yaml);
        java.util.function.Function<Map<String, String>, ExplainableModel> opener = extra -> {
            Map<String, String> backendSettings = new HashMap<>(options.backend());
            backendSettings.putAll(extra);
            return Backends.choose(modelPath, backend).open(modelPath, new ModelOptions(options.device(),
                    options.threads(), options.reshape(), options.inplaceReluView(), backendSettings));
        };
        try (DetectCommand.Opened opened = DetectCommand.open(opener, modelPath, spec.layout())) {
            ImageDetector detector = new ImageDetector(opened.model(), new PreprocessingArgs().resolve(settings,
                    opened.model()), labels, DetectCommand.layers(null, settings, opened.model()),
                    opened.outputs().layout(), post, Boolean.TRUE.equals(spec.letterbox()), run.imageWeight());
            BatchDetection task = new BatchDetection(detector, spec, json);
            BatchDetection.Sink sink = new BatchDetection.Sink() {
                public Path file(String relative) {
                    return run.out().file(relative);
                }

                public Path root() {
                    return run.out().root();
                }

                public List<String> formats() {
                    return run.formats();
                }

                public void finished(ObjectNode record) {
                    run.add(record);
                    bar.step();
                }

                public void failed(Path image, String reason) {
                    run.failures().add(image + ": " + reason);
                    run.add(json.createObjectNode().put("model", modelName).put("image", image.toString())
                            .put("error", reason));
                    bar.step();
                }
            };
            for (Path image : images) {
                JsonNode record = finished(run.out(), modelName, run.names().get(image), image);
                if (record != null) {
                    run.add(record);
                    bar.step();
                } else {
                    task.explain(image, modelName, run.names().get(image), run.methods(), sink);
                }
            }
        }
    }

    /** The record of an image this model already finished, or null; a record naming another image is not it. */
    private JsonNode finished(OutputFolder out, String modelName, String name, Path image) throws IOException {
        Path record = out.file(modelName + "/.done/" + name + ".json");
        if (!Files.isRegularFile(record)) {
            return null;
        }
        JsonNode rec = json.readTree(record.toFile());
        return rec.path("image").asText().equals(image.toString()) ? rec : null;
    }

    /** Per image, its targets: top-k classes (null = resolved after the forward pass), fixed classes or a CSV. */
    private Map<Path, List<Target>> targets(BatchConfig.TargetSpec spec, List<Path> images, Labels labels, Path base,
                                            int classes) throws IOException {
        Map<Path, List<Target>> out = new HashMap<>();
        Map<String, List<Target>> byName = new HashMap<>();
        if (spec != null && spec.csv() != null) {
            for (String line : Files.readAllLines(base.resolve(spec.csv()))) {
                String[] cells = line.split(",");
                if (cells.length < 2 || line.isBlank() || cells[0].equals("image")) {
                    continue;
                }
                byName.computeIfAbsent(cells[0].trim(), k -> new ArrayList<>())
                        .add(new ClassifierOutputTarget(labels.index(cells[1], classes)));
            }
        }
        int k = spec == null || spec.topK() == null ? 1 : spec.topK();
        if (k < 1 || classes > 0 && k > classes) {
            throw new CliException(yaml + ": targets.top_k must be between 1 and the model's " + classes
                    + " classes, got " + k);
        }
        for (Path image : images) {
            List<Target> t;
            if (spec != null && spec.classes() != null) {
                t = spec.classes().stream().distinct()
                        .map(c -> (Target) new ClassifierOutputTarget(labels.index(c, classes))).toList();
            } else if (spec != null && spec.csv() != null) {
                t = byName.get(image.getFileName().toString());
                if (t == null) {
                    throw new CliException(spec.csv() + " has no class for image " + image.getFileName());
                }
            } else {
                t = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    t.add(null);
                }
            }
            out.put(image, t);
        }
        return out;
    }

    private void explainPart(ImageExplainer explainer, ImagePipeline pipeline, String modelName,
                             ImagePipeline.Batch batch, Run run, Map<Path, List<Target>> targets, Labels labels,
                             int top, ProgressBar bar) {
        Tensor input = batch.input();
        Tensor outputs = explainer.model().predict(input);
        List<List<ImageExplainer.Prediction>> predictions = explainer.predictions(outputs, top);
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ObjectNode rec = json.createObjectNode().put("model", modelName)
                    .put("image", batch.loaded().get(i).file().toString());
            ArrayNode p = rec.putArray("predictions");
            predictions.get(i).subList(0, Math.min(5, predictions.get(i).size())).forEach(x -> p.addObject()
                    .put("class", x.index()).put("label", x.label()).put("probability", x.probability()));
            rec.putArray("cams");
            records.add(rec);
        }
        // one row per (image, target); top-k targets resolve to the k best classes of each image
        List<Integer> rowImage = new ArrayList<>();
        List<Target> rowTarget = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<Target> t = targets.get(batch.loaded().get(i).file());
            for (int k = 0; k < t.size(); k++) {
                rowImage.add(i);
                rowTarget.add(t.get(k) != null ? t.get(k) : new ClassifierOutputTarget(predictions.get(i).get(k).index()));
            }
        }
        Tensor rowInput = Tensor.stack(rowImage.stream().map(input::slice).toList());
        // the records are written by the last of the batch's output writes: a record means its outputs are on disk
        AtomicInteger pending = new AtomicInteger(run.methods().size() * rowImage.size());
        Runnable writeRecords = () -> {
            for (int i = 0; i < batch.size(); i++) {
                String name = run.names().get(batch.loaded().get(i).file());
                try {
                    AtomicFiles.write(run.out().file(modelName + "/.done/" + name + ".json"),
                            json.writeValueAsBytes(records.get(i)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                run.add(records.get(i));
                bar.step();
            }
        };
        for (Method m : run.methods()) {
            CamResult r = explainer.run(m.method(), m.options(), rowInput, rowTarget);
            Map<String, double[]> scores = evaluate(run, explainer, m, rowInput, r);
            for (int row = 0; row < rowImage.size(); row++) {
                ImagePipeline.Loaded image = batch.loaded().get(rowImage.get(row));
                int cls = ExplainCommand.targetClass(rowTarget.get(row));
                String name = modelName + "/" + run.names().get(image.file()) + "."
                        + OutputFolder.safeName(m.method().name() + "." + labels.name(cls));
                ObjectNode cam = ((ArrayNode) records.get(rowImage.get(row)).get("cams")).addObject()
                        .put("method", m.method().name()).put("class", cls).put("label", labels.name(cls));
                Tensor map = r.cams().slice(row);
                if (!scores.isEmpty()) {
                    ObjectNode metricsNode = cam.putObject("metrics");
                    int at = row;
                    scores.forEach((k, v) -> metricsNode.put(k, v[at]));
                }
                List<OverlayFormat> overlays = java.util.Arrays.stream(OverlayFormat.values())
                        .filter(f -> run.formats().contains(f.extension())).toList();
                List<Path> overlayFiles = overlays.stream().map(f -> run.out().file(name + "." + f.extension()))
                        .toList();
                Path npy = run.formats().contains("npy") ? run.out().file(name + ".npy") : null;
                for (int k = 0; k < overlays.size(); k++) {
                    cam.put(overlays.get(k).extension(), run.out().root().relativize(overlayFiles.get(k)).toString());
                }
                if (npy != null) {
                    cam.put("npy", run.out().root().relativize(npy).toString());
                }
                pipeline.submit(() -> {
                    if (!overlays.isEmpty()) {
                        Tensor picture = explainer.overlay(image.image(), map);
                        for (int k = 0; k < overlays.size(); k++) {
                            overlays.get(k).write(overlayFiles.get(k), picture);
                        }
                    }
                    if (npy != null) {
                        Npy.write(npy, map);
                    }
                    if (pending.decrementAndGet() == 0) {
                        writeRecords.run();
                    }
                });
            }
        }
    }
}
