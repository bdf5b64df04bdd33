package org.cam4j.model;

import java.util.List;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Forward passes of a network's head: from a target layer's (perturbed) activations to the output, with every other
 * tensor that crosses the cut taken from the same image; what AblationCAM and the head-gradient checks run.
 */
public interface HeadForward {
    /**
     * Runs the network's head from a target layer: row r of {@code activations} (N' x C x h x w) replaces that
     * layer's activations of image {@code sourceImage[r]} of {@code prefix}; every other tensor that crosses the
     * cut comes from that image too. Returns the model outputs, one row per activation row.
     */
    Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix);

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
    Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                        List<Target> targets);

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
}
