package org.cam4j.pipeline;

import org.cam4j.spi.CamOptions;
import org.cam4j.math.CamOps;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.tensor.Layout;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;
import org.cam4j.errors.MethodFailedException;
import org.cam4j.errors.UnsupportedModelException;

/**
 * A CAM explainer for one model, one method and some target layers: the reference's {@code BaseCAM}.
 * Build it once, call {@link #compute} on many batches, close it (which closes the model when it owns it).
 *
 * <pre>{@code
 * try (Cam cam = Cam.open(Path.of("resnet50.onnx"), "GradCAM", "layer4[-1]")) {
 *     Tensor maps = cam.compute(batch, Targets.classes(2, List.of(281, 243))).cams();
 * }
 * }</pre>
 *
 * <p>Flow per layer: the method's low-resolution map, ReLU, per-image min-max scaling, bilinear resize to the
 * input size; then over layers: ReLU, mean, scaling again. With {@code aug_smooth} the whole flow runs on six
 * augmented batches (horizontal flip x brightness 0.9, 1.0, 1.1) whose maps are un-flipped and averaged.
 * Methods that need neither gradients nor scores run only the network up to the layers; their result has no
 * outputs and keeps the targets as given.
 */
public final class Cam implements AutoCloseable {
    private static final float[] AUG_FACTORS = {0.9f, 1.0f, 1.1f};

    private final ExplainableModel model;
    private final CamMethod method;
    private final List<String> layers;
    private final CamOptions options;
    private final boolean ownsModel;

    /**
     * A computation over a model its caller keeps open (closing this one does not close it).
     *
     * @param model the opened model
     * @param method the CAM method
     * @param layers target layers (tensor names, node names or PyTorch module paths), at least one
     * @param options smoothing, batch size and the method's own options
     */
    public Cam(ExplainableModel model, CamMethod method, List<String> layers, CamOptions options) {
        this(model, method, layers, options, false);
    }

    /**
     * A computation that closes the model with itself when {@code ownsModel}; refuses an empty layer list and a model
     * lacking what the method needs.
     *
     * @param model the opened model
     * @param method the CAM method
     * @param layers target layers, at least one
     * @param options smoothing, batch size and the method's own options (each must be one the method reads)
     * @param ownsModel whether {@link #close} closes the model too
     */
    public Cam(ExplainableModel model, CamMethod method, List<String> layers, CamOptions options, boolean ownsModel) {
        if (layers.isEmpty()) {
            throw new InvalidInputException("no target layer given; name at least one (see 'cam layers')");
        }
        Set<Capability> missing = new java.util.TreeSet<>(method.needs());
        missing.removeAll(model.capabilities());
        if (!missing.isEmpty()) {
            throw new UnsupportedModelException(method.name() + " needs " + missing + " which this model's backend"
                    + " does not provide; choose a method that needs only " + model.capabilities());
        }
        for (String key : options.extra().keySet()) {
            if (!method.optionNames().contains(key)) {
                throw new InvalidInputException("unknown option '" + key + "' for " + method.name() + "; it takes "
                        + (method.optionNames().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(
                        method.optionNames()))));
            }
        }
        if (options.eigenSmooth() && !method.supportsEigenSmooth()) {
            throw new InvalidInputException(method.name() + " does not use eigen_smooth; drop that option")
                    .naming("eigen_smooth");
        }
        this.model = model;
        this.method = method;
        this.layers = List.copyOf(layers);
        this.options = options;
        this.ownsModel = ownsModel;
    }

    /**
     * Opens {@code model} with the backend that fits it (CPU, default options) and explains it with the named method
     * at the given layers; closing the Cam closes the model.
     *
     * @param model the model file
     * @param method the method's name (or alias)
     * @param layers target layers
     * @return the computation, owning the model
     */
    public static Cam open(java.nio.file.Path model, String method, String... layers) {
        ExplainableModel opened = org.cam4j.spi.Backends.choose(model, null)
                .open(model, org.cam4j.model.ModelOptions.defaults());
        try {
            return new Cam(opened, org.cam4j.spi.Methods.get(method), List.of(layers), CamOptions.defaults(), true);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The model this CAM explains.
     *
     * @return the model
     */
    public ExplainableModel model() {
        return model;
    }

    /**
     * The method that computes the maps.
     *
     * @return the method
     */
    public CamMethod method() {
        return method;
    }

    /**
     * The target layers, as given (names, or paths the backend resolves).
     *
     * @return the layers
     */
    public List<String> layers() {
        return layers;
    }

    /**
     * The options the maps are computed with.
     *
     * @return the options
     */
    public CamOptions options() {
        return options;
    }

    /**
     * CAMs for a batch; {@code targets} has one entry per image, {@link org.cam4j.targets.Targets#topClass()} meaning
     * the image's top class. Methods that need neither gradients nor the output (EigenCAM) run only the network up to
     * the target layers, and their result has no outputs: see {@link #computeWithOutputs}.
     *
     * @param input a batch laid out as the model's input says
     * @param targets one per image
     * @return the maps (N x H x W in [0, 1]), the targets as resolved, the low-resolution maps per layer
     */
    public CamResult compute(Tensor input, List<Target> targets) {
        return compute(input, targets, false);
    }

    /**
     * {@link #compute}, with the model's outputs always in the result (and {@code null} targets resolved to the top
     * class): methods that would run only the prefix of the network run all of it once instead, which is cheaper
     * than a second, plain inference for the outputs.
     *
     * @param input a batch laid out as the model's input says
     * @param targets one per image
     * @return the maps, the model's outputs for the batch, the targets as resolved, the low-resolution maps
     */
    public CamResult computeWithOutputs(Tensor input, List<Target> targets) {
        return compute(input, targets, true);
    }

    private CamResult compute(Tensor input, List<Target> targets, boolean withOutputs) {
        if (input.rank() != 4 || input.dim(0) == 0) {
            throw new InvalidInputException("input must be a non-empty 4-d image batch, got "
                    + java.util.Arrays.toString(input.shape()));
        }
        if (targets.size() != input.dim(0)) {
            throw new InvalidInputException("got " + targets.size() + " targets for " + input.dim(0) + " images");
        }
        if (!options.augSmooth()) {
            return computeOnce(input, targets, withOutputs);
        }
        CamResult plain = null;
        Tensor sum = null;
        for (boolean flip : new boolean[] {false, true}) {
            for (float factor : AUG_FACTORS) {
                Tensor augmented = multiply(flip ? flipWidth(input, inputLayout()) : input, factor);
                CamResult r = computeOnce(augmented, targets, withOutputs);
                Tensor cams = flip ? flipWidth(r.cams().reshape(r.cams().dim(0), 1, r.cams().dim(1), r.cams().dim(2)),
                        Layout.NCHW).reshape(r.cams().shape()) : r.cams();
                if (!flip && factor == 1.0f) {
                    plain = r;
                }
                sum = sum == null ? cams.copy() : add(sum, cams);
            }
        }
        for (int i = 0; i < sum.size(); i++) {
            sum.put(i, sum.at(i) / 6f);
        }
        return new CamResult(sum, plain.outputs(), plain.targets(), plain.lowRes());
    }

    private CamResult computeOnce(Tensor input, List<Target> targets, boolean withOutputs) {
        CamOps.checkCancelled();
        requireFinite(input, "the input batch", "check the preprocessing or the .npy file");
        List<Target> explained = method.targets(targets, input, model);
        boolean prefixOnly = method.needs().isEmpty() && !withOutputs;
        ForwardResult forward = prefixOnly ? model.activations(input, layers)
                : model.forward(input, layers, explained, method.needs().contains(Capability.GRADIENTS));
        if (forward.output() != null) {
            requireFinite(forward.output(), "the model's output", "the model overflows on this input");
        }
        forward.activations().forEach((layer, a) -> requireFinite(a, "the activations of layer '" + layer + "'",
                "the model overflows on this input"));
        forward.gradients().forEach((layer, g) -> requireFinite(g, "the gradients at layer '" + layer + "'",
                "the target score overflows; try a softmax or class target"));
        List<Target> resolved = prefixOnly ? explained : Targets.resolve(explained, forward.output());
        CamContext context = new CamContext(input, resolved, forward, model, options);
        int height = input.dim(inputLayout() == Layout.NHWC ? 1 : 2);
        int width = input.dim(inputLayout() == Layout.NHWC ? 2 : 3);
        List<Tensor> perLayer = new ArrayList<>();
        List<Tensor> lowRes = new ArrayList<>();
        for (String layer : layers) {
            LayerData data = new LayerData(layer, forward.activation(layer),
                    forward.gradients().get(layer));
            Tensor low = method.camImage(data, context);
            lowRes.add(low);
            perLayer.add(CamOps.scale(CamOps.relu(low.copy()), height, width));
        }
        return new CamResult(method.aggregate(perLayer), forward.output(), resolved, lowRes);
    }

    /**
     * NaN or infinite values make every map meaningless while min-max scaling still squeezes them into [0, 1]:
     * refused, naming the tensor and the image, unless {@link CamOptions#allowNonFinite} says otherwise.
     */
    private void requireFinite(Tensor t, String what, String hint) {
        if (options.allowNonFinite()) {
            return;
        }
        int at = t.firstNonFinite();
        if (at >= 0) {
            int image = at / Math.max(1, t.size() / t.dim(0));
            throw new MethodFailedException(what + " has " + t.at(at) + " values (image " + image + "); " + hint
                    + " (allow_non_finite computes anyway)").naming("allow_non_finite");
        }
    }

    private Layout inputLayout() {
        return model.input().layout();
    }

    /**
     * Reverses the width axis of an image batch (a copy).
     *
     * @param batch an image batch
     * @param layout where its width axis is
     * @return the mirrored batch
     */
    public static Tensor flipWidth(Tensor batch, Layout layout) {
        int[] s = batch.shape();
        int wAxis = layout == Layout.NHWC ? 2 : 3;
        int w = s[wAxis];
        int inner = 1;
        for (int a = wAxis + 1; a < s.length; a++) {
            inner *= s[a];
        }
        Tensor out = Tensor.zeros(s);
        int outer = batch.size() / (w * inner);
        for (int o = 0; o < outer; o++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < inner; k++) {
                    out.put((o * w + (w - 1 - x)) * inner + k, batch.at((o * w + x) * inner + k));
                }
            }
        }
        return out;
    }

    private static Tensor multiply(Tensor x, float factor) {
        Tensor out = x.copy();
        for (int i = 0; i < out.size(); i++) {
            out.put(i, out.at(i) * factor);
        }
        return out;
    }

    private static Tensor add(Tensor a, Tensor b) {
        for (int i = 0; i < a.size(); i++) {
            a.put(i, a.at(i) + b.at(i));
        }
        return a;
    }

    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }
}
