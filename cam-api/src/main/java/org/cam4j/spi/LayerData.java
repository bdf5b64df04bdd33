package org.cam4j.spi;

import org.cam4j.tensor.Tensor;

/**
 * One target layer as a method sees it: activations A and gradients g (N x C x h x w; gradients are
 * {@code null} when the method does not need them).
 */
public record LayerData(String name, Tensor activations, Tensor gradients) {
    /**
     * Number of images, N.
     *
     * @return N
     */
    public int batch() {
        return activations.dim(0);
    }

    /**
     * Number of channels, C.
     *
     * @return C
     */
    public int channels() {
        return activations.dim(1);
    }

    /**
     * The gradients, which the method needs: refused when the layer was run without them.
     *
     * @return the gradients, N x C x h x w
     */
    public Tensor requireGradients() {
        if (gradients == null) {
            throw new IllegalStateException("layer '" + name + "' was run without gradients");
        }
        return gradients;
    }
}
