package org.cam4j.model;

import java.util.Map;
import org.cam4j.tensor.Tensor;

/**
 * What one explained forward pass returns: the model output, and per layer the activations (N x C x h x w) and
 * gradients (same shape, absent when not asked for). {@code state} is backend-private (the tensors that cross the
 * cut at each layer, for {@link HeadForward#forwardHead}).
 */
public record ForwardResult(Tensor output, Map<String, Tensor> activations, Map<String, Tensor> gradients,
                            Object state) {
    /**
     * A layer's activations, N x C x h x w; refused for a layer the pass did not keep.
     *
     * @param layer the layer, as given to the pass
     * @return its activations
     */
    public Tensor activation(String layer) {
        Tensor a = activations.get(layer);
        if (a == null) {
            throw new IllegalArgumentException("no activations for layer '" + layer + "'; have " + activations.keySet());
        }
        return a;
    }

    /**
     * The target scores' gradients at a layer, N x C x h x w; refused when the pass took none.
     *
     * @param layer the layer, as given to the pass
     * @return its gradients
     */
    public Tensor gradient(String layer) {
        Tensor g = gradients.get(layer);
        if (g == null) {
            throw new IllegalArgumentException("no gradients for layer '" + layer + "'; have " + gradients.keySet());
        }
        return g;
    }
}
