package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017, arXiv:1610.02391): w_c = mean over h, w of dS/dA_c;
 * cam = sum_c w_c A_c.
 */
@AutoService(CamMethod.class)
public final class GradCam extends WeightedCam {
    @Override
    public String name() {
        return "GradCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("grad-cam");
    }

    @Override
    public String description() {
        return "channel weights = spatial mean of the gradients";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        return CamOps.spatialMean(layer.requireGradients());
    }
}
