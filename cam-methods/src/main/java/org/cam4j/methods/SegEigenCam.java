package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.math.EigenProjection;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Seg-Eigen-CAM (Chung and Ying, Applied Sciences 2025, doi:10.3390/app15137562, Eq. 10-13): the activations
 * weighted by the absolute gradients, |g| * A (negative gradients count as much as positive ones: a pixel-wise
 * weight, not Grad-CAM's signed average), channel-centred, projected on their first principal component, with the
 * sign that makes the entry of largest magnitude positive (the paper's sign correction: flipped when |min| > |max|,
 * which is {@link org.cam4j.math.EigenProjection}'s rule).
 */
@AutoService(CamMethod.class)
public final class SegEigenCam implements CamMethod {
    @Override
    public String name() {
        return "SegEigenCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("seg-eigen");
    }

    @Override
    public String description() {
        return "first principal component of |gradients| x activations (segmentation)";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        return EigenProjection.project(Elementwise.absProduct(layer.requireGradients(), layer.activations()));
    }
}
