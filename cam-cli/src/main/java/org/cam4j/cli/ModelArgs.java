package org.cam4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import picocli.CommandLine.Option;

/** How commands open a model: the file (default: the bundled CIFAR-10 ResNet-8), backend, device, threads. */
final class ModelArgs {
    @Option(names = "--model", paramLabel = "FILE",
            description = {"Model: an .onnx file, or with the cam-tensorflow plugin a SavedModel folder or frozen .pb.",
                "Default: the bundled CIFAR-10 ResNet-8."})
    Path model;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend by name (default: chosen by file type).")
    String backend;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (CUDA needs the -Pgpu build). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--use-cuda", description = "Same as --device cuda (as in pytorch-grad-cam's cam.py).")
    boolean useCuda;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Intra-op threads (0: the runtime's default).")
    int threads;

    @Option(names = "--reshape", paramLabel = "RULE",
            description = "Token layer layout: auto (default), nchw, nhwc or tokens:H,W[,SKIP].")
    String reshape;

    @Option(names = "--tag", paramLabel = "TAG", description = "SavedModel meta graph tag (default: serve).")
    String tag;

    @Option(names = "--signature", paramLabel = "NAME",
            description = "SavedModel signature (default: serving_default).")
    String signature;

    @Option(names = "--no-inplace-relu-view", description = {"Methods see a layer's own output even when its only"
            + " consumer is a ReLU.", "By default they see the ReLU's output, as pytorch-grad-cam does for PyTorch's"
            + " in-place ReLUs (DenseNet's features)."})
    boolean noInplaceReluView;

    Path path() {
        return existing(model == null ? DefaultModel.model() : model);
    }

    /** A model path that exists and is a file or a folder some backend opens (a SavedModel), else a one-line error. */
    static Path existing(Path p) {
        if (Files.isDirectory(p) && Backends.registry().all().stream().noneMatch(b -> b.canOpen(p))) {
            throw new CliException("model " + p + " is a folder; give the model file inside it (.onnx), or a"
                    + " SavedModel folder (with saved_model.pb) with the cam-tensorflow plugin");
        }
        if (!Files.exists(p)) {
            throw new CliException("model file " + p + " does not exist");
        }
        return p;
    }

    boolean isDefault() {
        return model == null;
    }

    ModelSettings settings() {
        return ModelSettings.beside(path());
    }

    /** Class names: the --labels file, else the one the model's YAML names (beside the model), else none. */
    Labels labels(Path labelsFile, ModelSettings settings) {
        if (labelsFile != null) {
            return Labels.read(labelsFile);
        }
        return settings.labels() != null ? Labels.read(path().resolveSibling(settings.labels())) : Labels.none();
    }

    ExplainableModel open() {
        return open(java.util.Map.of());
    }

    /** Opens the model with extra backend settings (the ONNX backend's {@code outputs}). */
    ExplainableModel open(java.util.Map<String, String> extraBackend) {
        Limits.threads(threads, "--threads");
        if (useCuda && !device.equals("cpu") && !device.startsWith("cuda")) {
            throw new CliException("--use-cuda conflicts with --device " + device);
        }
        String dev = useCuda && device.equals("cpu") ? "cuda" : device;
        Path p = path();
        String rule = reshape != null ? reshape : settings().reshape();
        java.util.Map<String, String> backendSettings = backendOptions(tag, signature);
        backendSettings.putAll(extraBackend);
        return Backends.choose(p, backend).open(p, new ModelOptions(dev, threads, rule, !noInplaceReluView,
                backendSettings));
    }

    /** Backend settings given on the command line or in a batch YAML (a SavedModel's tag and signature). */
    static java.util.Map<String, String> backendOptions(String tag, String signature) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        if (tag != null) {
            m.put("tag", tag);
        }
        if (signature != null) {
            m.put("signature", signature);
        }
        return m;
    }

    /** Layers from the options, else the model's YAML, else the model's suggested layer. */
    static List<String> layersOrDefault(List<String> given, ModelSettings settings, ExplainableModel model) {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        if (!settings.defaultLayers().isEmpty()) {
            return settings.defaultLayers();
        }
        return model.layers().stream().filter(org.cam4j.model.LayerInfo::suggested)
                .map(org.cam4j.model.LayerInfo::name).findFirst().map(List::of)
                .orElseThrow(() -> new CliException("no --layer given and no spatial layer found; list candidates"
                        + " with 'cam layers --model FILE'"));
    }
}
