package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.EigenProjection;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Eigen-Grad-CAM (pytorch-grad-cam): the first principal component of gradients times activations,
 * dS/dA * A, channel-centred. Sign: see {@link EigenProjection}.
 */
@AutoService(CamMethod.class)
public final class EigenGradCam implements CamMethod {
    @Override
    public String name() {
        return "EigenGradCAM";
    }

    @Override
    public String description() {
        return "first principal component of gradients times activations";
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
        return EigenProjection.project(Elementwise.product(layer.requireGradients(), layer.activations(), false));
    }
}
