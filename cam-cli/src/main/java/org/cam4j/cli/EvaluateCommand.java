package org.cam4j.cli;

import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.evaluation.GroundTruth;
import org.cam4j.engine.evaluation.MethodEvaluation;
import org.cam4j.engine.evaluation.OwnMasks;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.NpyInputs;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.OutputFolder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cam4j.model.ExplainableModel;
import org.cam4j.engine.MethodChoice;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.AtomicFiles;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam evaluate}: how faithful each method's maps are, by every requested metric, per image: a terminal table of
 * means, JSON ({@code {"metrics": {"<metric>": {"<method>": [per image]}}}}), and with {@code --out} the same as
 * {@code evaluation.json}, {@code evaluation.csv} and {@code evaluation.md}. Metric names are the reference's class
 * names, with {@code _p<percentile>} for ROAD's per-percentile metrics.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measure how faithful CAM methods are (confidence change, ROAD, Complexity, Coherency, ARCC).",
            "With no --model and no --image: the bundled model on the bundled photo."})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithLayout();

    @Mixin
    TargetArgs targetArgs = new TargetArgs();

    @ArgGroup(exclusive = true)
    ExplainCommand.Inputs inputs;

    @Mixin
    MethodArgs methodArgs = new MethodArgs();

    @Mixin
    SmoothingArgs smoothing = new SmoothingArgs();

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER", description = "Target layers (default: suggested).")
    List<String> layers;

    @Option(names = "--cams", paramLabel = "CAMS.npy", description = {"Evaluate these maps (N x H x W, in [0, 1], H x W"
            + " the model input) instead of computing them;", "they are reported under the first --method, which"
            + " Coherency and ARCC also use to recompute maps."})
    Path cams;

    @Option(names = "--metric", arity = "1..*", paramLabel = "NAME",
            description = "Metrics (default, or 'all': every one on the classpath the run can compute; see 'cam"
                    + " metrics').")
    List<String> metricNames;

    @Option(names = "--road-noise", defaultValue = "0.01", paramLabel = "X",
            description = "Noise of ROAD's imputer (the reference's default ${DEFAULT-VALUE}; 0 for none).")
    double roadNoise;

    @Option(names = "--road-percentiles", split = ",", defaultValue = "20,40,60,80", paramLabel = "P,P",
            description = "Removal percentiles of ROAD (each its own _p<P> column; ROADCombined averages them).")
    List<Double> percentiles;

    @Option(names = "--seed", defaultValue = "0", description = {"Seed of ROAD's imputation noise. Images are scored"
            + " 256 at a time; the second 256 draw their noise from the seed + 1, and so on."})
    long seed;

    @Option(names = "--masks", paramLabel = "DIR", description = {"Ground-truth object masks for the pointing games:"
            + " one image per input image, named as it (any format), object pixels bright;",
        "resized and cropped as the images are."})
    Path masks;

    @Option(names = "--boxes", paramLabel = "FILE", description = "Ground-truth boxes instead: CSV lines image,x0,y0,"
            + "x1,y1 in the image's own pixels (several lines per image add up).")
    Path boxes;

    @Option(names = "--own-mask", description = {"A segmentation model: each image's target is its class summed over"
            + " the model's own mask (as cam segment takes it: the --class given, else the largest class other than",
        "the background), and that mask is the pointing games' ground truth."})
    boolean ownMask;

    @Option(names = "--metric-option", paramLabel = "KEY=VALUE", description = "Metric settings: steps=32 and"
            + " baseline=0|blur for Deletion and Insertion.")
    Map<String, String> metricOptions = new java.util.HashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Write evaluation.json, .csv and .md there.")
    Path out;

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    /** Photos scored at once: a batch of 256 ImageNet inputs is 154 MB of floats, and each method's maps more. */
    private static final int MAX_IMAGES = 256;

    private org.cam4j.image.Preprocessing preprocessing;

    @Override
    public Integer call() {
        List<MethodChoice> methods = methodArgs.choices(smoothing.eigenSmooth, smoothing.augSmooth, false);
        if ((masks != null ? 1 : 0) + (boxes != null ? 1 : 0) + (ownMask ? 1 : 0) > 1) {
            throw new RequestException("--masks, --boxes and --own-mask conflict; give one of them");
        }
        if (ownMask && targetArgs.specs != null) {
            throw new RequestException("--own-mask makes the targets (the model's own masks); leave out --target");
        }
        boolean truth = masks != null || boxes != null || ownMask;
        EvaluationRequest evaluation = EvaluationRequest.of(metricNames, truth, name ->
                EvaluationRequest.needsGroundTruth(name) + ": give --masks DIR or --boxes FILE, or --own-mask for a"
                + " segmentation model", roadNoise, percentiles, seed, FieldNames.CLI);
        List<CamMetric> metrics = evaluation.metrics();
        Tensor given = cams == null ? null : Npy.read(cams);
        if (given != null) {
            // metrics read the maps as relevance in [0, 1]: a NaN or a value outside would rank pixels arbitrarily
            for (int i = 0; i < given.size(); i++) {
                float v = given.at(i);
                if (!(v >= 0f && v <= 1f)) {
                    throw new RequestException("--cams " + cams + " holds " + v + " at index " + i + "; maps must hold"
                            + " values in [0, 1] (scale them as cam explain's maps are)");
                }
            }
        }
        OutputFolder folder = out == null ? null : OutputFolder.create(out, "--out");
        // cam evaluate draws no overlays: the default photo weight
        CamRequest request = CamRequest.of(CamRequest.Task.CLASSIFICATION, modelArgs.setup(
                preprocessingArgs.request(), targetArgs.labelsFile, layers), methods, targetArgs.written(),
                TargetSpecs.Files.READ, evaluation, null, 0.5f, FieldNames.CLI);
        ModelSetup setup = request.model();
        try (ExplainableModel model = DetectorOpening.forDetectionTargets(setup.open(), setup::open,
                modelArgs.path(), targetArgs.specs)) {
            DetectorRefusal.check(model, modelArgs.path().toString(), targetArgs.specs,
                    DetectorRefusal.Where.EVALUATE);
            Labels labels = setup.labels();
            List<String> targetLayers = setup.layers(model);
            Tensor npyInput = inputs != null && inputs.npy != null ? NpyInputs.batch(Npy.read(inputs.npy), model)
                    : null;
            List<Path> files = npyInput != null ? null : inputs == null ? List.of(DefaultModel.image())
                    : ImageInputs.expand(inputs.images, Path.of("")).stream().distinct().toList();
            int images = npyInput != null ? npyInput.dim(0) : files.size();
            if (given != null && (given.rank() != 3 || given.dim(0) != images)) {
                throw new RequestException("--cams " + cams + " holds " + java.util.Arrays.toString(given.shape())
                        + "; give one H x W map per image (" + images + " x H x W)");
            }
            if (truth && !ownMask && (inputs == null || inputs.images == null)) {
                throw new RequestException("--masks and --boxes need --image (the masks follow the images' resizing)");
            }
            // a concept photo's preprocessing is resolved when one is given (a run on --input reads no photo)
            targetArgs.embedding = photo -> org.cam4j.engine.ImageExplainer.embedding(model,
                    preprocessing(model, setup), photo);
            List<Target> written = ownMask ? null : targetArgs.targets(images, labels, model.output().valuesPerImage());
            // images are scored MAX_IMAGES at a time, each batch's ROAD noise its own (EvaluationRequest.forBatch)
            int batches = (images + MAX_IMAGES - 1) / MAX_IMAGES;
            int steps = batches * (given != null ? 1 : methods.size()) * metrics.size();
            List<MethodEvaluation.Scores> parts = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            try (me.tongfei.progressbar.ProgressBar bar = ProgressBars.create("evaluating", steps, "metric", json)) {
                for (int k = 0; k < batches; k++) {
                    int from = k * MAX_IMAGES;
                    int to = Math.min(images, from + MAX_IMAGES);
                    Tensor input = npyInput != null ? rows(npyInput, from, to) : load(files.subList(from, to), model,
                            setup);
                    OwnMasks own = ownMask ? ownMasks(model, setup, labels, targetLayers, input) : null;
                    Tensor groundTruth = own != null ? own.truth() : truth ? groundTruth(model, setup,
                            files.subList(from, to)) : null;
                    List<Target> targets = own != null ? own.targets() : Targets.resolve(written.subList(from, to),
                            model.predict(input));
                    parts.add(MethodEvaluation.run(new MethodEvaluation.Batch(model, input, targets, targetLayers,
                            groundTruth), methods, given == null ? null : rows(given, from, to),
                            evaluation.forBatch(k), metricOptions, folder != null, bar::step));
                    sizes.add(to - from);
                }
            }
            MethodEvaluation.Scores scores = MethodEvaluation.Scores.join(parts, sizes);
            report(scores.values(), folder);
            if (folder != null) {
                plots(folder, scores.values(), scores.deletion(), scores.insertion());
            }
        }
        return 0;
    }

    /** Deletion and insertion curves, and a bar chart per metric. */
    private void plots(OutputFolder folder, Map<String, Map<String, double[]>> results, Map<String, double[]> deletion,
                       Map<String, double[]> insertion) {
        org.cam4j.image.ImageFiles.writePng(folder.file("deletion.png"), EvaluationPlots.pixels(
                EvaluationPlots.curves("Deletion: most relevant pixels removed first", deletion)));
        org.cam4j.image.ImageFiles.writePng(folder.file("insertion.png"), EvaluationPlots.pixels(
                EvaluationPlots.curves("Insertion: most relevant pixels restored first", insertion)));
        for (Map.Entry<String, Map<String, double[]>> e : results.entrySet()) {
            org.cam4j.image.ImageFiles.writePng(folder.file("scores-" + OutputFolder.safeName(e.getKey()) + ".png"),
                    EvaluationPlots.pixels(EvaluationPlots.bars(e.getKey(), e.getValue())));
        }
    }

    /** The segmentation targets over the model's own masks, and those masks at the model input. */
    private OwnMasks ownMasks(ExplainableModel model, ModelSetup setup, Labels labels, List<String> targetLayers,
                              Tensor input) {
        if (targetArgs.classes != null && targetArgs.classes.size() > 1) {
            throw new RequestException("--own-mask takes one --class for every image, got " + targetArgs.classes.size());
        }
        return OwnMasks.of(new org.cam4j.engine.ImageExplainer(model, preprocessing(model, setup), labels,
                targetLayers, 0.5f), "model " + modelArgs.path(), targetArgs.classes == null ? null
                : targetArgs.classes.get(0), input, FieldNames.CLI);
    }

    /** Per image an H x W mask (1 on the object) at the model input, from --masks images or --boxes lines. */
    private Tensor groundTruth(ExplainableModel model, ModelSetup setup, List<Path> files) {
        org.cam4j.image.Preprocessing pre = preprocessing(model, setup);
        return masks != null ? GroundTruth.fromMasks(files, masks, pre, FieldNames.CLI)
                : GroundTruth.fromBoxes(files, boxes, pre, FieldNames.CLI);
    }

    /** Rows {@code from} to {@code to} (exclusive) of a batch: the batch itself when that is all of it. */
    private static Tensor rows(Tensor batch, int from, int to) {
        return from == 0 && to == batch.dim(0) ? batch : batch.rows(from, to).copy();
    }

    /**
     * The photos' preprocessing, resolved once and only when a photo is read (a run on --input reads none, and a bad
     * preprocessing in the model's YAML does not refuse it).
     */
    private org.cam4j.image.Preprocessing preprocessing(ExplainableModel model, ModelSetup setup) {
        if (preprocessing == null) {
            preprocessing = setup.preprocessing(model);
        }
        return preprocessing;
    }

    /** The images preprocessed for the model, as one batch. */
    private Tensor load(List<Path> files, ExplainableModel model, ModelSetup setup) {
        try (ImagePipeline pipeline = new ImagePipeline(preprocessing(model, setup),
                org.cam4j.image.ImageFiles.DEFAULT_MAX_PIXELS, Limits.cores())) {
            List<Tensor> rows = new ArrayList<>();
            for (Path f : files) {
                rows.add(pipeline.load(f).input());
            }
            return Tensor.stack(rows);
        }
    }

    private void report(Map<String, Map<String, double[]>> results, OutputFolder folder) {
        ObjectNode root = Yaml.json().createObjectNode();
        ObjectNode metricsNode = root.putObject("metrics");
        StringBuilder csv = new StringBuilder("metric,method,image,value\n");
        List<String> methodNames = new ArrayList<>();
        results.values().forEach(m -> m.keySet().stream().filter(k -> !methodNames.contains(k))
                .forEach(methodNames::add));
        StringBuilder md = new StringBuilder("| metric |");
        methodNames.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|");
        methodNames.forEach(m -> md.append("---|"));
        md.append('\n');
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder(String.format("%-32s", "metric (mean ± std over images)"));
        methodNames.forEach(m -> header.append(String.format(" %22s", m)));
        lines.add(header.toString());
        for (Map.Entry<String, Map<String, double[]>> e : results.entrySet()) {
            ObjectNode perMethod = metricsNode.putObject(e.getKey());
            StringBuilder line = new StringBuilder(String.format("%-32s", e.getKey()));
            md.append("| ").append(e.getKey()).append(" |");
            for (String method : methodNames) {
                double[] v = e.getValue().get(method);
                var array = perMethod.putArray(method);
                for (int i = 0; i < v.length; i++) {
                    array.add(v[i]);
                    csv.append(e.getKey()).append(',').append(method).append(',').append(i).append(',').append(v[i])
                            .append('\n');
                }
                String cell = String.format("%.4f ± %.4f", EvaluationPlots.mean(v), EvaluationPlots.std(v));
                line.append(String.format(" %22s", cell));
                md.append(' ').append(cell).append(" |");
            }
            md.append('\n');
            lines.add(line.toString());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(root.toPrettyString());
        } else {
            lines.forEach(stdout::println);
        }
        if (folder != null) {
            AtomicFiles.write(folder.file("evaluation.json"), root.toPrettyString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(folder.file("evaluation.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(folder.file("evaluation.md"), md.toString().getBytes(StandardCharsets.UTF_8));
            if (!json) {
                stdout.println("wrote " + folder.root().resolve("evaluation.{json,csv,md}"));
            }
        }
    }
}
