package org.cam4j.spi;

import org.cam4j.model.Capability;
import org.cam4j.plugin.Provider;
import java.util.List;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * One CAM method (Grad-CAM, Score-CAM, ...), registered with {@code @AutoService(CamMethod.class)}.
 *
 * <p>A method turns one target layer's activations (and whatever else it {@link #needs}) into a low-resolution
 * map per image: the reference library's {@code get_cam_image}. The pipeline does the rest (ReLU, scaling,
 * resizing, the mean over layers, smoothing).
 */
public interface CamMethod extends Provider {
    /**
     * What the method needs from the model beyond the activations (gradients, head runs, ...).
     *
     * @return the capabilities; a model lacking one is refused before anything runs
     */
    Set<Capability> needs();

    /**
     * The low-resolution CAM, N x h x w, before the ReLU.
     *
     * @param layer activations (N x C x h x w) and, when {@link Capability#GRADIENTS} is needed, gradients
     * @param context the input batch, targets, options and access to the model for extra passes
     * @return the map of every image, N x h x w
     */
    Tensor camImage(LayerData layer, CamContext context);

    /**
     * The method-specific option keys it reads from {@link org.cam4j.spi.CamOptions#extra}; others are refused.
     *
     * @return the keys, none by default
     */
    default Set<String> optionNames() {
        return Set.of();
    }

    /**
     * Combines the per-layer maps (each already ReLU'd, scaled and resized to the input, N x H x W) into the final
     * CAM: by default the reference's mean over layers, then scaling. RefineCAM multiplies instead.
     *
     * @param perLayer one N x H x W tensor per target layer, in the order the layers were given
     * @return the final maps, N x H x W in [0, 1]
     */
    default Tensor aggregate(List<Tensor> perLayer) {
        return org.cam4j.math.CamOps.aggregate(perLayer);
    }

    /**
     * Whether {@code eigen_smooth} changes this method's result (the reference ignores it elsewhere).
     *
     * @return true by default
     */
    default boolean supportsEigenSmooth() {
        return true;
    }

    /**
     * The targets the method explains, given the user's ({@link org.cam4j.targets.Targets#topClass()} entries: each
     * image's top class). Most methods keep them; FinerCAM, for example, replaces top-class entries by comparisons
     * with the most similar classes.
     *
     * @param requested one target per image, as the user gave them
     * @param input the input batch
     * @param model the model, for a pass the choice may need
     * @return one target per image
     */
    default List<Target> targets(List<Target> requested, Tensor input, ExplainableModel model) {
        return requested;
    }
}
