package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Grad-CAM element-wise (pytorch-grad-cam's variant of HiResCAM): cam = sum_c max(dS/dA_c * A_c, 0).
 */
@AutoService(CamMethod.class)
public final class GradCamElementWise implements CamMethod {
    @Override
    public String name() {
        return "GradCAMElementWise";
    }

    @Override
    public List<String> aliases() {
        return List.of("gradcam-elementwise", "elementwise");
    }

    @Override
    public String description() {
        return "sum over channels of relu(gradients times activations)";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        Tensor product = Elementwise.relu(Elementwise.product(layer.requireGradients(), layer.activations(), false));
        return CamOps.combineChannels(product, context.options().eigenSmooth());
    }
}
