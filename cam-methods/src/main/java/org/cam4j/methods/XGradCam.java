package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * XGrad-CAM (Fu et al., BMVC 2020, arXiv:2008.02312): w_c = sum_hw(g_c A_c) / (sum_hw(A_c) + 1e-7).
 */
@AutoService(CamMethod.class)
public final class XGradCam extends WeightedCam {
    @Override
    public String name() {
        return "XGradCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("xgrad");
    }

    @Override
    public String description() {
        return "gradients times activations, normalised by the activation sums";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        Tensor num = Elementwise.spatialSum(Elementwise.product(layer.requireGradients(), layer.activations(), false));
        Tensor den = Elementwise.spatialSum(layer.activations());
        Tensor w = Tensor.zeros(num.shape());
        for (int i = 0; i < w.size(); i++) {
            w.put(i, num.at(i) / (den.at(i) + 1e-7f));
        }
        return w;
    }
}
