package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.targets.FinerTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;

/**
 * Finer-CAM (Zhang et al., CVPR 2025, arXiv:2501.11309): Grad-CAM of a contrastive target. For an image without
 * an explicit target, classes are ranked by |y_k - y_top|; the target compares the top class with the classes at
 * ranks 1, 2, 3 ({@link FinerTarget}, alpha 1). Explicit targets are explained as given.
 */
@AutoService(CamMethod.class)
public final class FinerCam extends WeightedCam {
    private static final int[] COMPARISON_RANKS = {1, 2, 3};
    private static final double ALPHA = 1.0;

    @Override
    public String name() {
        return "FinerCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("finer");
    }

    @Override
    public String description() {
        return "Grad-CAM of the top class against its most similar classes";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public List<Target> targets(List<Target> requested, Tensor input, ExplainableModel model) {
        if (requested.stream().noneMatch(Targets::isTopClass)) {
            return requested;
        }
        Tensor outputs = model.predict(input);
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            if (!Targets.isTopClass(requested.get(i))) {
                out.add(requested.get(i));
                continue;
            }
            Tensor y = outputs.slice(i).reshape(-1);
            float top = y.max();
            Integer[] order = new Integer[y.size()];
            Arrays.setAll(order, k -> k);
            Arrays.sort(order, Comparator.comparingDouble(k -> Math.abs(y.at(k) - top)));
            List<Integer> comparisons = new ArrayList<>();
            for (int rank : COMPARISON_RANKS) {
                if (rank < order.length) {
                    comparisons.add(order[rank]);
                }
            }
            out.add(new FinerTarget(order[0], comparisons, ALPHA));
        }
        return out;
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        return CamOps.spatialMean(layer.requireGradients());
    }
}
