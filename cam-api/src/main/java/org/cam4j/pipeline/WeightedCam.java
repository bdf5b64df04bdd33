package org.cam4j.pipeline;

import org.cam4j.math.CamOps;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.tensor.Tensor;

/**
 * The reference's default {@code get_cam_image}: per-channel weights (N x C) times the activations, summed over
 * channels, or with {@code eigen_smooth} projected on their first principal component. A method only says how
 * its weights are computed.
 */
public abstract class WeightedCam implements CamMethod {
    /**
     * The reference's {@code get_cam_weights}: N x C.
     *
     * @param layer the layer's activations and gradients
     * @param context the batch, targets, options and model
     * @return the channel weights, N x C
     */
    public abstract Tensor weights(LayerData layer, CamContext context);

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        Tensor weighted = CamOps.weighted(weights(layer, context), layer.activations());
        return CamOps.combineChannels(weighted, context.options().eigenSmooth());
    }
}
