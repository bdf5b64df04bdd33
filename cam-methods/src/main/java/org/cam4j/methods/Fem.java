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
 * FEM, Feature Explanation Method (Fuad et al., IPTA 2020): per channel the threshold mean + k std (k option,
 * default 2, population std); w_c = the fraction of positions above it. Needs no gradients.
 */
@AutoService(CamMethod.class)
public final class Fem extends WeightedCam {
    @Override
    public String name() {
        return "FEM";
    }

    @Override
    public List<String> aliases() {
        return List.of("feature-explanation");
    }

    @Override
    public String description() {
        return "fraction of each channel above mean + k std (no gradients)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("k");
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        double k = context.options().number("k", 2);
        Tensor a = layer.activations();
        int nc = a.dim(0) * a.dim(1);
        int hw = a.size() / nc;
        Tensor w = Tensor.zeros(a.dim(0), a.dim(1));
        for (int i = 0; i < nc; i++) {
            double mean = 0;
            for (int p = 0; p < hw; p++) {
                mean += a.at(i * hw + p);
            }
            mean /= hw;
            double var = 0;
            for (int p = 0; p < hw; p++) {
                double d = a.at(i * hw + p) - mean;
                var += d * d;
            }
            double threshold = mean + k * Math.sqrt(var / hw);
            int above = 0;
            for (int p = 0; p < hw; p++) {
                above += a.at(i * hw + p) > threshold ? 1 : 0;
            }
            w.put(i, above / (float) hw);
        }
        return w;
    }
}
