package org.cam4j.model;

import org.cam4j.tensor.Layout;
import org.cam4j.tensor.TensorInfo;
import java.util.List;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * An opened model that can be explained: forward passes that also return target-layer activations and the
 * gradients of the target scores. Activations and gradients are always N x C x h x w, whatever the model's
 * own layout (token models are folded into a grid by the backend).
 */
public interface ExplainableModel extends AutoCloseable {
    TensorInfo input();

    /** The output that is explained (targets score it). */
    TensorInfo output();

    /** Every output the model has, in its own order (a detector's boxes and scores); by default the one. */
    default List<TensorInfo> outputs() {
        return List.of(output());
    }

    /** Candidate target layers, in graph order. */
    List<LayerInfo> layers();

    /**
     * Whether an output is a softmax over its last axis, whose logits the backend can explain instead
     * ({@code outputs} setting {@code NAME:logits}, see {@link ModelOptions#OUTPUTS}).
     */
    default boolean outputIsSoftmax(String output) {
        return false;
    }

    /**
     * For a detector, the feature maps its prediction heads read (one per pyramid level, finest first): the target
     * layers {@code cam detect} suggests. Empty when unknown.
     */
    default List<String> detectorLevels() {
        return List.of();
    }

    /** Plain inference: the model output for a batch. */
    Tensor predict(Tensor input);

    /**
     * One pass that returns the output and, for every named layer, its activations and (when {@code gradients})
     * the gradient of the sum over images of each image's target score.
     *
     * @param targets one per image; {@link org.cam4j.targets.Targets#topClass()} is the image's top class (raw logit)
     */
    ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients);

    /**
     * Only the layers' activations, computing nothing past them (the prefix of the network); the result has no
     * output. For methods that need neither gradients nor target scores (EigenCAM, KPCA-CAM, FEM).
     */
    default ForwardResult activations(Tensor input, List<String> layers) {
        ForwardResult full = forward(input, layers, org.cam4j.targets.Targets.topClass(input.dim(0)), false);
        return new ForwardResult(null, full.activations(), full.gradients(), full.state());
    }

    /**
     * Runs the network's head from a target layer: row r of {@code activations} (N' x C x h x w) replaces that
     * layer's activations of image {@code sourceImage[r]} of {@code prefix}; every other tensor that crosses the
     * cut comes from that image too. Returns the model outputs, one row per activation row.
     */
    default Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot run the head of a network");
    }

    /**
     * Runs the head with one channel of the layer replaced by a constant, in the layer's own layout (for a ViT,
     * over every token, class token included): row r ablates channel {@code channels[r]} of image
     * {@code sourceImage[r]} with {@code values[r]}.
     */
    default Tensor forwardHeadAblated(String layer, int[] sourceImage, int[] channels, float[] values,
                                      ForwardResult prefix) {
        Tensor a = prefix.activation(layer);
        int[] shape = a.shape();
        shape[0] = sourceImage.length;
        Tensor rows = Tensor.zeros(shape);
        for (int r = 0; r < sourceImage.length; r++) {
            Tensor row = rows.slice(r);
            row.copyFrom(a.slice(sourceImage[r]));
            Tensor channel = row.slice(channels[r]);
            for (int i = 0; i < channel.size(); i++) {
                channel.put(i, values[r]);
            }
        }
        return forwardHead(layer, rows, sourceImage, prefix);
    }

    /**
     * Gradients of the target scores with respect to the layer, evaluated at the given activations (rows as in
     * {@link #forwardHead}); {@code targets} has one entry per row.
     */
    default Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                List<Target> targets) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot give head gradients");
    }

    /**
     * The Hessian of the target scores with respect to the layer times {@code vector}, at the given activations
     * (rows as in {@link #headGradient}; {@code vector} shaped like {@code activations}), exactly: a second backward
     * pass as a double backward gives it. Non-linear targets need {@link Target#hessianTimes}.
     *
     * @throws UnsupportedOperationException when this backend or model cannot (callers fall back to differences)
     */
    default Tensor hessianVectorProduct(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                        List<Target> targets, Tensor vector) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no second backward pass");
    }

    /**
     * True when the network from this layer to the output is piecewise linear in the layer (ReLU, pooling, linear
     * maps, each multiplying or dividing by nothing that depends on the layer): its Hessian is then exactly zero
     * wherever it is defined, as a double backward pass computes it. False when unknown.
     */
    default boolean headIsPiecewiseLinear(String layer) {
        return false;
    }

    /** Whether one channel of one image's activations is all zero, in the layer's own layout (all tokens). */
    default boolean channelIsZero(String layer, int image, int channel, ForwardResult prefix) {
        Tensor plane = prefix.activation(layer).slice(image).slice(channel);
        return plane.max() == 0f && plane.min() == 0f;
    }

    /** The smallest value of one image's activations at a layer, in the layer's own layout. */
    default float layerMin(String layer, int image, ForwardResult prefix) {
        return prefix.activation(layer).slice(image).min();
    }

    /**
     * FullGrad's terms: the input gradient, and for every convolution or normalisation with a bias, the bias and
     * the gradient with respect to that op's output.
     */
    default FullGradTerms fullGradTerms(Tensor input, List<Target> targets) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot give bias gradients");
    }

    /**
     * Model outputs for masked inputs: row r is {@code input[sourceImage[r]] * masks[r]}, the mask (N' x H x W)
     * broadcast over channels.
     */
    default Tensor forwardMasked(Tensor input, Tensor masks, int[] sourceImage) {
        int n = masks.dim(0);
        int[] shape = input.shape();
        shape[0] = n;
        Tensor masked = Tensor.zeros(shape);
        int channels = input().layout() == Layout.NHWC ? shape[3] : shape[1];
        int pixels = masks.size() / n;
        for (int r = 0; r < n; r++) {
            Tensor src = input.slice(sourceImage[r]);
            Tensor dst = masked.slice(r);
            Tensor mask = masks.slice(r);
            for (int i = 0; i < src.size(); i++) {
                int pixel = input().layout() == Layout.NHWC ? i / channels : i % pixels;
                dst.put(i, src.at(i) * mask.at(pixel));
            }
        }
        return predict(masked);
    }

    /**
     * What one more image in a forward batch of images like {@code input} costs in memory: the peak bytes of the
     * tensors a forward pass keeps alive at once, per image; -1 when the backend cannot tell. Methods that run many
     * perturbed inputs size their batches by it ({@code batch_size: auto}).
     */
    default long activationBytesPerImage(Tensor input) {
        return -1;
    }

    /**
     * Gradient of the target scores with respect to the input (same shape as the input); {@code guided} uses
     * guided backpropagation (ReLU passes only positive gradients at positive inputs).
     */
    default Tensor inputGradient(Tensor input, List<Target> targets, boolean guided) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot give input gradients");
    }

    /**
     * The same network with the weights of its last {@code layers} parameterised layers (counted from the output)
     * replaced by random values of the same scale: the model-randomisation sanity check (Adebayo et al., NeurIPS
     * 2018). The caller closes the returned model.
     */
    default ExplainableModel withRandomizedLayers(int layers, long seed) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot randomise its weights");
    }

    /** What this model can do beyond plain forward passes. */
    java.util.Set<Capability> capabilities();

    @Override
    void close();
}
