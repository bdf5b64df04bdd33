package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * LayerCAM (Jiang et al., IEEE TIP 2021): cam = sum_c max(dS/dA_c, 0) * A_c.
 */
@AutoService(CamMethod.class)
public final class LayerCam implements CamMethod {
    @Override
    public String name() {
        return "LayerCAM";
    }

    @Override
    public String description() {
        return "positive gradients times activations, per position";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        return CamOps.combineChannels(Elementwise.product(layer.requireGradients(), layer.activations(), true),
                context.options().eigenSmooth());
    }
}
