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
 * Grad-CAM++ (Chattopadhyay et al., WACV 2018, arXiv:1710.11063), in the reference's form:
 * alpha = g^2 / (2 g^2 + sum_hw(A) g^3 + 1e-6), alpha = 0 where g = 0; w_c = sum_hw max(g, 0) alpha.
 */
@AutoService(CamMethod.class)
public final class GradCamPlusPlus extends WeightedCam {
    @Override
    public String name() {
        return "GradCAMPlusPlus";
    }

    @Override
    public List<String> aliases() {
        return List.of("gradcam++", "gradcampp");
    }

    @Override
    public String description() {
        return "weights from second and third powers of the gradients";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        Tensor g = layer.requireGradients();
        Tensor sumA = Elementwise.spatialSum(layer.activations());
        int nc = g.dim(0) * g.dim(1);
        int hw = g.size() / nc;
        Tensor w = Tensor.zeros(g.dim(0), g.dim(1));
        for (int i = 0; i < nc; i++) {
            double s = 0;
            for (int p = 0; p < hw; p++) {
                float gi = g.at(i * hw + p);
                if (gi == 0f) {
                    continue;
                }
                float g2 = gi * gi;
                float alpha = g2 / (2 * g2 + sumA.at(i) * g2 * gi + 1e-6f);
                s += Math.max(gi, 0f) * alpha;
            }
            w.put(i, (float) s);
        }
        return w;
    }
}
