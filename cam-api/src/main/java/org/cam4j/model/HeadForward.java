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
     * cut comes from that image too.
     *
     * @param layer the target layer, as {@code prefix} was computed at it
     * @param activations the replacement rows, N' x C x h x w
     * @param sourceImage for each row, the image of {@code prefix} it belongs to
     * @param prefix a forward pass of this model at that layer
     * @return the model's outputs, one row per activation row
     */
    Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix);

    /**
     * Runs the head with one channel of the layer replaced by a constant, in the layer's own layout (for a ViT,
     * over every token, class token included): row r ablates channel {@code channels[r]} of image
     * {@code sourceImage[r]} with {@code values[r]}.
     *
     * @param layer the target layer, as {@code prefix} was computed at it
     * @param sourceImage for each row, the image of {@code prefix} it ablates
     * @param channels for each row, the channel set to a constant
     * @param values for each row, that constant
     * @param prefix a forward pass of this model at that layer
     * @return the model's outputs, one row per ablation
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
     *
     * @param layer the target layer, as {@code prefix} was computed at it
     * @param activations the rows to evaluate at, N' x C x h x w
     * @param sourceImage for each row, the image of {@code prefix} it belongs to
     * @param prefix a forward pass of this model at that layer
     * @param targets one per row
     * @return d(score)/d(activations), shaped like {@code activations}
     */
    Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                        List<Target> targets);

    /**
     * True when the network from this layer to the output is piecewise linear in the layer (ReLU, pooling, linear
     * maps, each multiplying or dividing by nothing that depends on the layer): its Hessian is then exactly zero
     * wherever it is defined, as a double backward pass computes it. False when unknown.
     *
     * @param layer the target layer
     * @return whether the head is known to be piecewise linear
     */
    default boolean headIsPiecewiseLinear(String layer) {
        return false;
    }

    /**
     * Whether one channel of one image's activations is all zero, in the layer's own layout (all tokens).
     *
     * @param layer the target layer, as {@code prefix} was computed at it
     * @param image the image's index in {@code prefix}
     * @param channel the channel
     * @param prefix a forward pass of this model at that layer
     * @return whether every value of the channel is 0
     */
    default boolean channelIsZero(String layer, int image, int channel, ForwardResult prefix) {
        Tensor plane = prefix.activation(layer).slice(image).slice(channel);
        return plane.max() == 0f && plane.min() == 0f;
    }

    /**
     * The smallest value of one image's activations at a layer, in the layer's own layout.
     *
     * @param layer the target layer, as {@code prefix} was computed at it
     * @param image the image's index in {@code prefix}
     * @param prefix a forward pass of this model at that layer
     * @return the smallest value
     */
    default float layerMin(String layer, int image, ForwardResult prefix) {
        return prefix.activation(layer).slice(image).min();
    }
}
