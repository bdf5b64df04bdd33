package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Random-CAM, the baseline for CAM metrics: w_c uniform in [-1, 1), from the {@code seed} option (default 0) so
 * runs repeat.
 */
@AutoService(CamMethod.class)
public final class RandomCam extends WeightedCam {
    @Override
    public String name() {
        return "RandomCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("random");
    }

    @Override
    public String description() {
        return "random channel weights, a baseline for the metrics";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("seed");
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        Random random = new Random((long) context.options().number("seed", 0));
        Tensor w = Tensor.zeros(layer.batch(), layer.channels());
        for (int i = 0; i < w.size(); i++) {
            w.put(i, random.nextFloat() * 2 - 1);
        }
        return w;
    }
}
