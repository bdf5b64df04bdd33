package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Seg-Eigen-CAM (Chung and Ying, Applied Sciences 2025, doi:10.3390/app15137562): the gradient-weighted activations
 * g * A, channel-centred, projected on their first principal component. In the reference this is the same
 * computation as EigenGradCAM's ({@code get_2d_projection(grads * activations)}); it is kept under its own name so
 * that the reference's method list maps one to one. Sign: see {@link org.cam4j.math.EigenProjection}.
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
        return "first principal component of gradients x activations";
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
        return new EigenGradCam().camImage(layer, context);
    }
}
