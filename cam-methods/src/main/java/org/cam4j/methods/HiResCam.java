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
 * HiResCAM (Draelos and Carin, arXiv:2011.08891): cam = sum_c dS/dA_c * A_c, element-wise, no pooling of the
 * gradients.
 */
@AutoService(CamMethod.class)
public final class HiResCam implements CamMethod {
    @Override
    public String name() {
        return "HiResCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("hires");
    }

    @Override
    public String description() {
        return "sum over channels of gradients times activations";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        return CamOps.combineChannels(Elementwise.product(layer.requireGradients(), layer.activations(), false),
                context.options().eigenSmooth());
    }
}
