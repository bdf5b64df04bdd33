package org.cam4j.cli;

import org.cam4j.engine.CamRequest;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.NpyInputs;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.TargetNames;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.LocalStore;
import org.cam4j.engine.store.MapFiles;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.LinkedHashMap;
import org.cam4j.image.ImageFiles;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.CamMethod;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam explain}: CAMs for images (overlay PNGs) or for a preprocessed {@code .npy} batch. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain images with one or more CAM methods.",
            "With no --model and no --image: the bundled CIFAR-10 ResNet-8 on the bundled dog-and-cat photo."})
final class ExplainCommand implements Callable<Integer> {
    private static final int MAX_TOP = 1000;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    OverlayArgs overlayArgs = new OverlayArgs();

    @Mixin
    MethodArgs methodArgs = new MethodArgs();

    @ArgGroup(exclusive = true)
    Inputs inputs;

    static final class Inputs {
        @Option(names = {"--image", "--image-path"}, arity = "1..*", paramLabel = "FILE|DIR|GLOB",
                description = "Images: files, folders or globs. Default: the bundled photo.")
        List<String> images;

        @Option(names = "--input", paramLabel = "BATCH.npy",
                description = "A preprocessed input batch (N x C x H x W or N x H x W x C float32) instead of images.")
        Path npy;
    }

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithLayout();

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER",
            description = "Target layers: tensor, node or PyTorch module path (default: the model's suggested one).")
    List<String> layers;

    @Mixin
    TargetArgs targetArgs = new TargetArgs();

    @Option(names = "--embedding-output", paramLabel = "NAME", description = {"Explain this tensor as the model's"
            + " output: an embedding (pooled features before the classifier, or another output), for similarity",
        "targets (--concept-image). Default: the model's first output."})
    String embeddingOutput;

    @Mixin
    SmoothingArgs smoothing = new SmoothingArgs();

    @Option(names = "--out", defaultValue = "cam-out", paramLabel = "DIR",
            description = "Output folder for overlays. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--save-npy", arity = "0..1", paramLabel = "FILE", fallbackValue = "",
            description = "Also write the CAMs as .npy (float32): per image next to the overlays, or with --input"
                    + " the N x H x W batch to FILE.")
    String saveNpy;

    @Option(names = "--guided", description = "Also write guided backprop (_gb) and Guided Grad-CAM (_cam_gb).")
    boolean guided;

    @Option(names = "--top", defaultValue = "3", paramLabel = "K", description = "Predictions to print per image.")
    int top;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar (there is none anyway when stderr is not a"
            + " terminal, with --json, or for one image).")
    boolean noProgress;

    @Option(names = "--allow-non-finite", description = "Compute even when the input, logits or gradients hold NaN or"
            + " Inf values (by default an error).")
    boolean allowNonFinite;

    @Override
    public Integer call() {
        // every option is checked before the model opens or anything runs
        Limits.range(top, 0, MAX_TOP, "--top");
        overlayArgs.check();
        Path npyInput = inputs == null ? null : inputs.npy;
        if (npyInput != null && (saveNpy == null || saveNpy.isEmpty())) {
            throw new RequestException("--input needs --save-npy FILE for the N x H x W CAM batch");
        }
        List<MethodChoice> methods = methodArgs.choices(smoothing.eigenSmooth, smoothing.augSmooth, allowNonFinite);
        PrintWriter stdout = spec.commandLine().getOut();
        boolean demo = npyInput == null && (inputs == null || inputs.images == null);
        List<Path> images = npyInput != null ? List.of() : demo ? List.of(DefaultModel.image())
                : ImageInputs.expand(inputs.images, Path.of(""));
        if (images.size() >= org.cam4j.engine.PhotoPathWarmUp.MIN_IMAGES && System.getenv("CAM4J_NO_WARMUP") == null) {
            org.cam4j.engine.PhotoPathWarmUp.start();
        }
        CamRequest request = CamRequest.of(CamRequest.Task.CLASSIFICATION, modelArgs.setup(preprocessingArgs.request(),
                targetArgs.labelsFile, layers), methods, targetArgs.written(), TargetSpecs.Files.READ, null, null,
                overlayArgs.imageWeight, FieldNames.CLI);
        ModelSetup setup = request.model();
        try (ExplainableModel model = embeddingOutput == null ? DetectorOpening.forDetectionTargets(setup.open(),
                setup::open, modelArgs.path(), targetArgs.specs)
                : setup.open(Map.of(org.cam4j.model.ModelOptions.OUTPUTS, embeddingOutput))) {
            DetectorRefusal.check(model, modelArgs.path().toString(), targetArgs.specs, DetectorRefusal.Where.EXPLAIN);
            ImageExplainer explainer = request.explainer(model);
            Labels labels = explainer.labels();
            targetArgs.embedding = explainer::embedding;
            if (npyInput != null) {
                return explainTensor(explainer, Npy.read(npyInput), methods, labels, Path.of(saveNpy), stdout);
            }
            if (demo && modelArgs.isDefault() && !targetArgs.given()) {
                targetArgs.classes = List.of("dog", "cat");
            }
            Map<Path, List<Job>> jobs = jobs(images, labels, model.output().valuesPerImage());
            OutputFolder folder = OutputFolder.create(out, "--out");
            return explainImages(explainer, jobs, OutputNames.assign(images), new LocalStore(folder), methods, labels,
                    demo, stdout);
        }
    }

    /** One target of one image, written as {@code <name>.<method><suffix>.<format>}. */
    record Job(String suffix, Target target, String label) {
    }

    /** Per image its targets; one image with several classes gets one job per class. */
    private Map<Path, List<Job>> jobs(List<Path> images, Labels labels, int outputs) {
        Map<Path, List<Job>> jobs = new LinkedHashMap<>();
        if (images.size() == 1 && targetArgs.classes != null && targetArgs.classes.size() > 1) {
            List<Job> perClass = new ArrayList<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (String c : targetArgs.classes) {
                int index = labels.index(c, outputs);
                if (!seen.add(index)) {
                    continue; // a class named twice (3,cat) is one job, as a batch YAML's classes are
                }
                perClass.add(new Job("." + OutputFolder.safeName(labels.name(index)),
                        new ClassifierOutputTarget(index), labels.name(index)));
            }
            jobs.put(images.get(0), perClass);
            return jobs;
        }
        List<Target> targets = targetArgs.targets(images.size(), labels, outputs);
        for (int i = 0; i < images.size(); i++) {
            Target t = targets.get(i);
            String label = Targets.isTopClass(t) ? null : targetArgs.specs != null ? targetArgs.spec(i) : labels.name(TargetNames.targetClass(t));
            jobs.put(images.get(i), List.of(new Job("", t, label)));
        }
        return jobs;
    }

    private int explainTensor(ImageExplainer explainer, Tensor input, List<MethodChoice> methods, Labels labels,
                              Path file, PrintWriter stdout) {
        input = NpyInputs.batch(input, explainer.model());
        List<Target> targets = targetArgs.targets(input.dim(0), labels, explainer.model().output().valuesPerImage());
        ArrayNode summary = Yaml.json().createArrayNode();
        for (MethodChoice choice : methods) {
            CamMethod method = choice.method();
            CamResult r = explainer.run(method, choice.options(), input, targets);
            Path target = methods.size() == 1 ? file : withSuffix(file, "." + method.name());
            Npy.write(target, r.cams());
            ObjectNode row = summary.addObject().put("method", method.name()).put("npy", target.toString());
            java.util.Arrays.stream(r.cams().shape()).forEach(row.withArray("shape")::add);
            ArrayNode t = row.putArray("targets");
            r.targets().forEach(x -> t.add(TargetNames.targetLabel(x, labels)));
            if (!json) {
                stdout.println("wrote " + target + " " + java.util.Arrays.toString(r.cams().shape()));
            }
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        }
        return 0;
    }

    static Path withSuffix(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling(dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot)
                : name + suffix);
    }


    private int explainImages(ImageExplainer explainer, Map<Path, List<Job>> jobs, Map<Path, String> names,
                              LocalStore store, List<MethodChoice> methods, Labels labels, boolean demo,
                              PrintWriter stdout) {
        ArrayNode summary = Yaml.json().createArrayNode();
        List<String> failures = new ArrayList<>();
        List<Path> files = new ArrayList<>(jobs.keySet());
        // a progress bar on the terminal (stderr) for a folder of images; none when piped, with --json or asked
        try (ImagePipeline pipeline = explainer.pipeline(overlayArgs.maxPixels);
             me.tongfei.progressbar.ProgressBar bar = ProgressBars.create("explaining", files.size(), "img",
                     noProgress || json || files.size() < 2)) {
            Function<Path, List<Target>> targets = file -> jobs.get(file).stream().map(Job::target).toList();
            new ExplainLoop(explainer, pipeline).run(files, targets, methods, top, new ExplainLoop.Results() {
                @Override
                public void failed(ImagePipeline.Failed f) {
                    String reason = CamCli.withFlag(f.reason(), f.field());
                    failures.add(reason);
                    summary.addObject().put("image", shown(f.file(), demo)).put("error", reason);
                    bar.step();
                }

                @Override
                public Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                    bar.stepBy(rows.batch().size());
                    return new WrittenBatch(explainer, pipeline, rows, jobs, names, store, labels, demo, summary,
                            stdout);
                }
            });
        }
        if (failures.size() == files.size()) {
            throw new RequestException(files.size() == 1 ? failures.get(0) : "none of the " + files.size() + " images"
                    + " could be read; the first: " + failures.get(0));
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        }
        if (!failures.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            failures.forEach(f -> err.println("cam: skipped: " + f));
            err.println("cam: " + failures.size() + " of " + files.size() + " image(s) failed; the others are done");
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }

    /** One batch's overlays (and maps, guided pictures) written behind, and its lines of the summary. */
    private final class WrittenBatch implements Consumer<ExplainLoop.Maps> {
        private final ImageExplainer explainer;
        private final ImagePipeline pipeline;
        private final ExplainLoop.Rows rows;
        private final Map<Path, List<Job>> jobs;
        private final Map<Path, String> names;
        private final LocalStore store;
        private final List<String> formats;
        private final Labels labels;
        private final boolean demo;
        private final ArrayNode summary;
        private final PrintWriter stdout;
        private final List<ObjectNode> lines = new ArrayList<>();

        WrittenBatch(ImageExplainer explainer, ImagePipeline pipeline, ExplainLoop.Rows rows,
                     Map<Path, List<Job>> jobs, Map<Path, String> names, LocalStore store, Labels labels,
                     boolean demo, ArrayNode summary, PrintWriter stdout) {
            this.explainer = explainer;
            this.pipeline = pipeline;
            this.rows = rows;
            this.jobs = jobs;
            this.names = names;
            this.store = store;
            this.formats = overlayArgs.formats(saveNpy != null);
            this.labels = labels;
            this.demo = demo;
            this.summary = summary;
            this.stdout = stdout;
        }

        @Override
        public void accept(ExplainLoop.Maps maps) {
            CamResult r = maps.result();
            CamMethod method = maps.method().method();
            if (lines.isEmpty()) {
                summarise(r);
            }
            for (int row = 0; row < rows.size(); row++) {
                ImagePipeline.Loaded image = rows.image(row);
                Job job = jobs.get(image.file()).get(rows.rows().get(row).place());
                String name = names.get(image.file()) + "." + OutputFolder.safeName(method.name()) + job.suffix();
                Path overlay = store.file(name + "." + overlayArgs.format.extension());
                Tensor cam = r.cams().slice(row);
                Target resolved = r.targets().get(row);
                String label = job.label() != null ? job.label() : TargetNames.targetLabel(resolved, labels);
                lines.get(row).with("outputs").put(method.name(), overlay.toString());
                int target = TargetNames.targetClass(resolved);
                if (target >= 0) {
                    lines.get(row).put("target", target);
                }
                lines.get(row).put("target_label", label);
                if (guided) {
                    Tensor[] pictures = explainer.guided(rows.input(), row, resolved, cam);
                    pipeline.submit(() -> {
                        store.write(name + "_gb.png", ImageFiles.png(pictures[0]));
                        store.write(name + "_cam_gb.png", ImageFiles.png(pictures[1]));
                    });
                }
                pipeline.submit(MapFiles.writer(store, name, formats, () -> explainer.overlay(image.image(), cam),
                        cam));
                if (!json) {
                    stdout.println("  " + method.name() + " for " + label + " -> " + overlay);
                }
            }
        }

        /** The summary's line per row, with its predictions, printed once per image. */
        private void summarise(CamResult r) {
            // a detector's outputs (anchors x columns, explained with detection targets) are no class scores
            boolean detector = rows.rows().stream().map(ExplainLoop.Row::target).allMatch(Targets::isDetection);
            // an embedding's values are no class scores either
            List<List<ImageExplainer.Prediction>> preds = explainer.predictions(r.outputs(),
                    detector || embeddingOutput != null ? 0 : top);
            for (int row = 0; row < rows.size(); row++) {
                Path file = rows.image(row).file();
                ObjectNode o = summary.addObject().put("image", shown(file, demo));
                ArrayNode p = o.putArray("predictions");
                preds.get(row).forEach(x -> p.addObject().put("class", x.index()).put("label", x.label())
                        .put("probability", x.probability()));
                o.putObject("outputs");
                lines.add(o);
                boolean repeat = rows.rows().get(row).place() > 0;
                if (!json && !repeat && !detector && embeddingOutput == null) {
                    stdout.println(file.getFileName() + ": " + String.join(", ", preds.get(row).stream()
                            .map(x -> String.format("%s %.2f", x.label(), x.probability())).toList()));
                }
            }
        }
    }

    /** How an image is named in output: the bundled photo by its own name, not its unpacked temporary path. */
    private static String shown(Path file, boolean demo) {
        return demo ? file.getFileName().toString() : file.toString();
    }

}
