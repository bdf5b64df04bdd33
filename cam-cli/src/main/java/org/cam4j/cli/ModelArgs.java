package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelOpening;
import org.cam4j.engine.ModelRequest;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.engine.FieldNames;
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

    ExplainableModel open() {
        return open(java.util.Map.of());
    }

    /** Opens the model with extra backend settings (the ONNX backend's {@code outputs}). */
    ExplainableModel open(java.util.Map<String, String> extraBackend) {
        return request().open(extraBackend);
    }

    /** The model part of a request: these options with the given preprocessing, labels file and layers (null: none). */
    ModelSetup setup(PreprocessingRequest preprocessing, Path labelsFile, java.util.List<String> layers) {
        return ModelSetup.beside(request(), preprocessing, labelsFile, layers, FieldNames.CLI);
    }

    /** The model as these options ask for it, checked. */
    private ModelRequest request() {
        Limits.threads(threads, "--threads");
        if (useCuda && !device.equals("cpu") && !device.startsWith("cuda")) {
            throw new RequestException("--use-cuda conflicts with --device " + device);
        }
        String dev = useCuda && device.equals("cpu") ? "cuda" : device;
        return new ModelRequest(path(), backend, dev, threads, reshape, tag, signature, !noInplaceReluView);
    }

}
