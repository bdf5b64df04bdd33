package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelOpening;
import org.cam4j.engine.ModelRequest;
import org.cam4j.engine.ModelSettings;
import java.nio.file.Path;
import org.cam4j.model.ExplainableModel;
import picocli.CommandLine.Option;

/** How commands open a model: the file (default: the bundled CIFAR-10 ResNet-8), backend, device, threads. */
final class ModelArgs {
    @Option(names = "--model", paramLabel = "FILE",
            description = {"Model: an .onnx file, or with the cam-tensorflow plugin a SavedModel folder or frozen .pb.",
                "Default: the bundled model: the UltraFace face detector for cam detect, else the CIFAR-10 ResNet-8."})
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
        return ModelOpening.existing(model == null ? DefaultModel.model() : model);
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
        return settings.labels(path());
    }

    ExplainableModel open() {
        return open(java.util.Map.of());
    }

    /** Opens the model with extra backend settings (the ONNX backend's {@code outputs}). */
    ExplainableModel open(java.util.Map<String, String> extraBackend) {
        Limits.threads(threads, "--threads");
        if (useCuda && !device.equals("cpu") && !device.startsWith("cuda")) {
            throw new RequestException("--use-cuda conflicts with --device " + device);
        }
        String dev = useCuda && device.equals("cpu") ? "cuda" : device;
        return new ModelRequest(path(), backend, dev, threads, reshape, tag, signature, !noInplaceReluView)
                .open(extraBackend);
    }

}
