package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.target.Target;
import org.cam4j.target.Targets;
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
    private static final int IMAGE_BATCH = 8;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

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
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs();

    @Option(names = "--method", arity = "1..*", defaultValue = "GradCAM", paramLabel = "NAME",
            description = "CAM methods (see 'cam methods'). Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER",
            description = "Target layers: tensor, node or PyTorch module path (default: the model's suggested one).")
    List<String> layers;

    @Option(names = "--class", split = ",", paramLabel = "C", description = {"Target class per image (or one for"
            + " all), as indices or label names. Default: each image's top class.", "With one image and several"
            + " classes: one CAM per class (<image>.<method>.<class>.png). The bundled demo explains dog and cat."})
    List<String> classes;

    @Option(names = "--target", arity = "1..*", paramLabel = "TYPE:SPEC", description = {"Targets of any type, per"
            + " image (or one for all): class:281, softmax:281, binary:1, raw, segmentation:CLASS:mask.npy,",
        "similarity:concept.npy, or a plugin's type."})
    List<String> targetSpecs;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names: ImageNet JSON index or one per line.")
    Path labelsFile;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "K",
            description = "Perturbed inputs per run (ScoreCAM, AblationCAM). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--aug-smooth", description = "Average over flips and brightness changes (6 passes).")
    boolean augSmooth;

    @Option(names = "--eigen-smooth", description = "Project on the first principal component.")
    boolean eigenSmooth;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Method option, e.g."
            + " ratio_channels_to_ablate=0.5 or k=2.")
    Map<String, String> methodOptions = new HashMap<>();

    @Option(names = "--out", defaultValue = "cam-out", paramLabel = "DIR",
            description = "Output folder for overlays. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--save-npy", arity = "0..1", paramLabel = "FILE", fallbackValue = "",
            description = "Also write the CAMs as .npy (float32): per image next to the overlays, or with --input"
                    + " the N x H x W batch to FILE.")
    String saveNpy;

    @Option(names = "--guided", description = "Also write guided backprop (_gb) and Guided Grad-CAM (_cam_gb).")
    boolean guided;

    @Option(names = "--image-weight", defaultValue = "0.5", paramLabel = "W",
            description = "Weight of the photo in the overlay. Default: ${DEFAULT-VALUE}.")
    float imageWeight;

    @Option(names = "--top", defaultValue = "3", paramLabel = "K", description = "Predictions to print per image.")
    int top;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new CliException("--batch-size must be >= 1, got " + batchSize);
        }
        Path npyInput = inputs == null ? null : inputs.npy;
        if (npyInput != null && (saveNpy == null || saveNpy.isEmpty())) {
            throw new CliException("--input needs --save-npy FILE for the N x H x W CAM batch");
        }
        List<CamMethod> chosen = methods.stream().map(Methods::get).toList();
        CamOptions options = new CamOptions(eigenSmooth, augSmooth, batchSize, methodOptions);
        PrintWriter stdout = spec.commandLine().getOut();
        try (ExplainableModel model = modelArgs.open()) {
            ModelSettings settings = modelArgs.settings();
            Labels labels = modelArgs.labels(labelsFile, settings);
            List<String> targetLayers = ModelArgs.layersOrDefault(layers, settings, model);
            ImageExplainer explainer = new ImageExplainer(model,
                    preprocessingArgs.resolve(settings, model), labels, targetLayers, imageWeight);
            if (npyInput != null) {
                return explainTensor(explainer, Npy.read(npyInput), chosen, options, labels, Path.of(saveNpy), stdout);
            }
            boolean demo = inputs == null || inputs.images == null;
            List<Path> images = demo ? List.of(DefaultModel.image()) : ImageInputs.expand(inputs.images, Path.of(""));
            if (demo && modelArgs.isDefault() && classes == null && targetSpecs == null) {
                classes = List.of("dog", "cat");
            }
            prepareOutput(out);
            return explainImages(explainer, jobs(images, labels), chosen, options, labels, stdout);
        }
    }

    static void prepareOutput(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (Exception e) {
            throw new CliException("cannot create output folder " + dir + " (" + e.getMessage() + "); choose"
                    + " another with --out");
        }
        if (!Files.isWritable(dir)) {
            throw new CliException("output folder " + dir + " is not writable; choose another with --out");
        }
    }

    /** One image explained for one target, written as {@code <base>.<method><suffix>.png}. */
    record Job(Path image, String suffix, Target target) {
    }

    /** Images with their targets; one image with several classes becomes one job per class. */
    private List<Job> jobs(List<Path> images, Labels labels) {
        List<Job> jobs = new ArrayList<>();
        if (images.size() == 1 && classes != null && classes.size() > 1) {
            for (String c : classes) {
                int index = labels.index(c);
                jobs.add(new Job(images.get(0), "." + labels.name(index), new org.cam4j.target.ClassifierOutputTarget(index)));
            }
            return jobs;
        }
        List<Target> targets = targets(images.size(), labels);
        for (int i = 0; i < images.size(); i++) {
            jobs.add(new Job(images.get(i), "", targets.get(i)));
        }
        return jobs;
    }

    private List<Target> targets(int n, Labels labels) {
        if (targetSpecs != null && !targetSpecs.isEmpty()) {
            if (classes != null) {
                throw new CliException("--class and --target conflict; give one of them");
            }
            if (targetSpecs.size() != 1 && targetSpecs.size() != n) {
                throw new CliException("got " + targetSpecs.size() + " --target values for " + n
                        + " images; give one for all or one per image");
            }
            List<Target> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(Targets.custom(targetSpecs.get(targetSpecs.size() == 1 ? 0 : i)));
            }
            return out;
        }
        if (classes == null || classes.isEmpty()) {
            return Targets.topClass(n);
        }
        return Targets.classes(n, classes.stream().map(labels::index).toList());
    }

    private int explainTensor(ImageExplainer explainer, Tensor input, List<CamMethod> chosen, CamOptions options,
                              Labels labels, Path file, PrintWriter stdout) {
        if (input.dim(0) == 0) {
            throw new CliException("the input batch is empty");
        }
        for (CamMethod method : chosen) {
            CamResult r = explainer.run(method, options, input, targets(input.dim(0), labels));
            Path target = chosen.size() == 1 ? file : withSuffix(file, "." + method.name());
            Npy.write(target, r.cams());
            stdout.println("wrote " + target + " " + java.util.Arrays.toString(r.cams().shape()));
        }
        return 0;
    }

    static Path withSuffix(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling(dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot)
                : name + suffix);
    }

    static String base(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private int explainImages(ImageExplainer explainer, List<Job> jobs, List<CamMethod> chosen,
                              CamOptions options, Labels labels, PrintWriter stdout) {
        ArrayNode summary = Yaml.json().createArrayNode();
        for (int start = 0; start < jobs.size(); start += IMAGE_BATCH) {
            List<Job> part = jobs.subList(start, Math.min(jobs.size(), start + IMAGE_BATCH));
            List<RgbImage> rgb = part.stream().map(j -> ImageFiles.read(j.image())).toList();
            Tensor input = explainer.batch(rgb);
            List<Target> targets = part.stream().map(Job::target).toList();
            List<ObjectNode> rows = new ArrayList<>();
            for (CamMethod method : chosen) {
                CamResult r = explainer.run(method, options, input, targets);
                if (rows.isEmpty()) {
                    List<List<ImageExplainer.Prediction>> preds = explainer.predictions(r.outputs(), top);
                    for (int i = 0; i < part.size(); i++) {
                        ObjectNode row = summary.addObject().put("image", part.get(i).image().toString());
                        ArrayNode p = row.putArray("predictions");
                        preds.get(i).forEach(x -> p.addObject().put("class", x.index()).put("label", x.label())
                                .put("probability", x.probability()));
                        row.putObject("outputs");
                        rows.add(row);
                        boolean repeat = i > 0 && part.get(i).image().equals(part.get(i - 1).image());
                        if (!json && !repeat) {
                            stdout.println(part.get(i).image().getFileName() + ": " + String.join(", ", preds.get(i)
                                    .stream().map(x -> String.format("%s %.2f", x.label(), x.probability())).toList()));
                        }
                    }
                }
                for (int i = 0; i < part.size(); i++) {
                    String name = base(part.get(i).image()) + "." + method.name() + part.get(i).suffix();
                    Path png = out.resolve(name + ".png");
                    Tensor cam = r.cams().slice(i);
                    explainer.writeOverlay(png, rgb.get(i), cam);
                    rows.get(i).with("outputs").put(method.name(), png.toString());
                    int target = targetClass(r.targets().get(i));
                    rows.get(i).put("target", target).put("targetLabel", labels.name(target));
                    if (saveNpy != null) {
                        Npy.write(out.resolve(name + ".npy"), cam);
                    }
                    if (guided) {
                        explainer.writeGuided(out.resolve(name + "_gb.png"), out.resolve(name + "_cam_gb.png"),
                                input, i, r.targets().get(i), cam);
                    }
                    if (!json) {
                        stdout.println("  " + method.name() + " for " + labels.name(target) + " -> " + png);
                    }
                }
            }
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        }
        return 0;
    }

    static int targetClass(Target t) {
        return t instanceof org.cam4j.target.ClassifierOutputTarget c ? c.category() : -1;
    }
}
