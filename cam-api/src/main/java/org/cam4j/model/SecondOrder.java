package org.cam4j.model;

import java.util.List;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/** Exact second-order products at a target layer (a second backward pass), for ShapleyCAM. */
public interface SecondOrder {
    /**
     * The Hessian of the target scores with respect to the layer times {@code vector}, at the given activations
     * (rows as in {@link HeadForward#headGradient}; {@code vector} shaped like {@code activations}), exactly: a
     * second backward pass as a double backward gives it. Non-linear targets need {@link Target#hessianTimes}.
     *
     * @param layer the target layer
     * @param activations the rows to evaluate at, N' x C x h x w
     * @param sourceImage for each row, the image of {@code prefix} it belongs to
     * @param prefix a forward pass of this model at that layer
     * @param targets one per row
     * @param vector the direction, shaped like {@code activations}
     * @return the product, shaped like {@code activations}
     * @throws UnsupportedOperationException when this backend or model cannot (callers fall back to differences)
     */
    Tensor hessianVectorProduct(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                List<Target> targets, Tensor vector);
}
