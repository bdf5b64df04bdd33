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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
 * ({@code <model>/.done/<image>.json}); a rerun skips finished images, so a run killed mid-way loses nothing and
 * duplicates nothing. A bad image is reported and skipped; the run finishes and exits 1 with a summary.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Run a YAML-configured batch: models x methods x images, with overlays, .npy, JSON and an HTML report.")
final class BatchCommand implements Callable<Integer> {
    private static final int IMAGE_BATCH = 8;
    private static final List<String> FORMATS = List.of("png", "npy", "json", "html");

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
        Path out = (outOverride != null ? outOverride : base.resolve(required(config.output(), "output")))
                .toAbsolutePath().normalize();
        List<String> formats = config.formats() == null ? List.of("png", "json", "html") : config.formats();
        for (String f : formats) {
            if (!FORMATS.contains(f)) {
                throw new CliException(yaml + ": unknown format '" + f + "'; use " + String.join(", ", FORMATS));
            }
        }
        List<BatchConfig.MethodEntry> methodEntries = required(config.methods(), "methods");
        List<CamMethod> methods = methodEntries.stream().map(m -> Methods.get(required(m.name(), "methods[].name")))
                .toList();
        List<Path> images = ImageInputs.expand(required(config.images(), "images"), base);
        List<BatchConfig.ModelEntry> models = config.models() == null || config.models().isEmpty()
                ? List.of(new BatchConfig.ModelEntry(null, null, null, null, null, null, null, null, null))
                : config.models();
        ExplainCommand.prepareOutput(out);
        removeUnfinishedWrites(out);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> failures = new ArrayList<>();
        ArrayNode summary = json.createArrayNode();
        int total = images.size() * models.size();
        try (ProgressBar bar = progress(total)) {
            for (BatchConfig.ModelEntry entry : models) {
                runModel(entry, base, out, methodEntries, methods, images, config, formats, summary, failures, bar, err);
            }
        }
        if (formats.contains("json")) {
            AtomicFiles.write(out.resolve("summary.json"), json.writeValueAsBytes(summary));
        }
        if (formats.contains("html")) {
            AtomicFiles.write(out.resolve("report.html"), HtmlReport.render(summary, out, methods)
                    .getBytes(StandardCharsets.UTF_8));
        }
        stdout.println("explained " + (summary.size()) + " image(s) with " + methods.size() + " method(s) into " + out
                + (failures.isEmpty() ? "" : "; " + failures.size() + " failed"));
        if (!failures.isEmpty()) {
            failures.forEach(f -> err.println("cam: failed: " + f));
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
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
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("explaining").setInitialMax(total)
                .setUnit(" img", 1).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500);
        if (noProgress || System.console() == null) {
            b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> { }));
        }
        return b.build();
    }

    private static <T> T required(T value, String key) {
        if (value == null) {
            throw new CliException("the batch YAML needs '" + key + "'");
        }
        return value;
    }

    /** A file or folder name that stays inside its parent. */
    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._+-]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }

    private void runModel(BatchConfig.ModelEntry entry, Path base, Path out, List<BatchConfig.MethodEntry> entries,
                          List<CamMethod> methods, List<Path> images, BatchConfig config, List<String> formats,
                          ArrayNode summary, List<String> failures, ProgressBar bar, PrintWriter err) throws IOException {
        Path modelPath = entry.path() == null ? DefaultModel.model() : base.resolve(entry.path());
        if (!Files.isRegularFile(modelPath)) {
            throw new CliException("model file " + modelPath + " does not exist");
        }
        String modelName = safeName(entry.name() != null ? entry.name() : ExplainCommand.base(modelPath));
        Path dir = out.resolve(modelName).normalize();
        Path done = dir.resolve(".done");
        Files.createDirectories(done);
        ModelSettings beside = ModelSettings.beside(modelPath);
        ModelSettings settings = new ModelSettings(entry.preprocessing() != null ? entry.preprocessing()
                : beside.preprocessing(), entry.labels() != null ? base.resolve(entry.labels()).toString()
                : beside.labels() == null ? null : modelPath.resolveSibling(beside.labels()).toString(),
                entry.layers() != null ? entry.layers() : beside.defaultLayers(), null,
                entry.reshape() != null ? entry.reshape() : beside.reshape());
        Labels labels = settings.labels() == null ? Labels.none() : Labels.read(Path.of(settings.labels()));
        ModelOptions options = new ModelOptions(entry.device(), entry.threads() == null ? 0 : entry.threads(),
                settings.reshape());
        try (ExplainableModel model = Backends.choose(modelPath, entry.backend()).open(modelPath, options)) {
            List<String> layers = ModelArgs.layersOrDefault(null, settings, model);
            ImageExplainer explainer = new ImageExplainer(model, new PreprocessingArgs().resolve(settings, model),
                    labels, layers, config.imageWeight() == null ? 0.5f : config.imageWeight());
            Map<Path, List<Target>> targets = targets(config.targets(), images, labels, base);
            List<Path> todo = new ArrayList<>();
            for (Path image : images) {
                Path record = done.resolve(safeName(image.getFileName().toString()) + ".json");
                if (Files.isRegularFile(record)) {
                    summary.add(json.readTree(record.toFile()));
                    bar.step();
                } else {
                    todo.add(image);
                }
            }
            for (int start = 0; start < todo.size(); start += IMAGE_BATCH) {
                List<Path> part = todo.subList(start, Math.min(todo.size(), start + IMAGE_BATCH));
                List<Path> ok = new ArrayList<>();
                List<RgbImage> rgb = new ArrayList<>();
                for (Path image : part) {
                    try {
                        rgb.add(ImageFiles.read(image));
                        ok.add(image);
                    } catch (RuntimeException e) {
                        failures.add(image + ": " + e.getMessage());
                        err.println("cam: skipping " + image + ": " + e.getMessage());
                        bar.step();
                    }
                }
                if (!ok.isEmpty()) {
                    explainPart(explainer, modelName, dir, ok, rgb, entries, methods, targets, formats, labels,
                            summary, done, bar);
                }
            }
        }
    }

    /** Per image, its targets: top-k classes (null = resolved after the forward pass), fixed classes or a CSV. */
    private Map<Path, List<Target>> targets(BatchConfig.TargetSpec spec, List<Path> images, Labels labels, Path base)
            throws IOException {
        Map<Path, List<Target>> out = new HashMap<>();
        Map<String, List<Target>> byName = new HashMap<>();
        if (spec != null && spec.csv() != null) {
            for (String line : Files.readAllLines(base.resolve(spec.csv()))) {
                String[] cells = line.split(",");
                if (cells.length < 2 || line.isBlank() || cells[0].equals("image")) {
                    continue;
                }
                byName.computeIfAbsent(cells[0].trim(), k -> new ArrayList<>())
                        .add(new ClassifierOutputTarget(labels.index(cells[1])));
            }
        }
        for (Path image : images) {
            List<Target> t;
            if (spec != null && spec.classes() != null) {
                t = spec.classes().stream().map(c -> (Target) new ClassifierOutputTarget(labels.index(c))).toList();
            } else if (spec != null && spec.csv() != null) {
                t = byName.get(image.getFileName().toString());
                if (t == null) {
                    throw new CliException(spec.csv() + " has no class for image " + image.getFileName());
                }
            } else {
                int k = spec == null || spec.topK() == null ? 1 : spec.topK();
                if (k < 1) {
                    throw new CliException("targets.top_k must be >= 1, got " + k);
                }
                t = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    t.add(null);
                }
            }
            out.put(image, t);
        }
        return out;
    }

    private void explainPart(ImageExplainer explainer, String modelName, Path dir, List<Path> images,
                             List<RgbImage> rgb, List<BatchConfig.MethodEntry> entries, List<CamMethod> methods,
                             Map<Path, List<Target>> targets, List<String> formats, Labels labels, ArrayNode summary,
                             Path done, ProgressBar bar) throws IOException {
        Tensor input = explainer.batch(rgb);
        Tensor outputs = explainer.model().predict(input);
        List<List<ImageExplainer.Prediction>> predictions = explainer.predictions(outputs, 5);
        Map<Integer, ObjectNode> records = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            ObjectNode rec = json.createObjectNode().put("model", modelName).put("image", images.get(i).toString());
            ArrayNode p = rec.putArray("predictions");
            predictions.get(i).forEach(x -> p.addObject().put("class", x.index()).put("label", x.label())
                    .put("probability", x.probability()));
            rec.putArray("cams");
            records.put(i, rec);
        }
        // one row per (image, target); top-k targets resolve to the k best classes of each image
        List<Integer> rowImage = new ArrayList<>();
        List<Target> rowTarget = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<Target> t = targets.get(images.get(i));
            for (int k = 0; k < t.size(); k++) {
                rowImage.add(i);
                rowTarget.add(t.get(k) != null ? t.get(k) : new ClassifierOutputTarget(predictions.get(i).get(k).index()));
            }
        }
        List<Tensor> rows = new ArrayList<>();
        rowImage.forEach(i -> rows.add(input.slice(i)));
        Tensor rowInput = Tensor.stack(rows);
        for (int m = 0; m < methods.size(); m++) {
            BatchConfig.MethodEntry e = entries.get(m);
            CamOptions options = new CamOptions(Boolean.TRUE.equals(e.eigenSmooth()), Boolean.TRUE.equals(e.augSmooth()),
                    e.batchSize() == null ? 32 : e.batchSize(), e.options());
            CamResult r = explainer.run(methods.get(m), options, rowInput, rowTarget);
            for (int row = 0; row < rowImage.size(); row++) {
                int i = rowImage.get(row);
                int cls = ExplainCommand.targetClass(rowTarget.get(row));
                String name = safeName(ExplainCommand.base(images.get(i)) + "." + methods.get(m).name() + "."
                        + labels.name(cls));
                ObjectNode cam = ((ArrayNode) records.get(i).get("cams")).addObject()
                        .put("method", methods.get(m).name()).put("class", cls).put("label", labels.name(cls));
                Tensor map = r.cams().slice(row);
                if (formats.contains("png")) {
                    Path png = dir.resolve(name + ".png");
                    explainer.writeOverlay(png, rgb.get(i), map);
                    cam.put("png", dir.getParent().relativize(png).toString());
                }
                if (formats.contains("npy")) {
                    Path npy = dir.resolve(name + ".npy");
                    Npy.write(npy, map);
                    cam.put("npy", dir.getParent().relativize(npy).toString());
                }
            }
        }
        for (Map.Entry<Integer, ObjectNode> e : records.entrySet()) {
            Path record = done.resolve(safeName(images.get(e.getKey()).getFileName().toString()) + ".json");
            AtomicFiles.write(record, json.writeValueAsBytes(e.getValue()));
            summary.add(e.getValue());
            bar.step();
        }
    }
}
