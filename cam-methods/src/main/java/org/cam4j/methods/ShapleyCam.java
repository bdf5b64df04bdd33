package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.model.SecondOrder;
import org.cam4j.model.HeadForward;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * ShapleyCAM (Cai, arXiv:2501.06261): w_c = spatial mean of (g - H A / 2), with g = dS/dA and H the Hessian of
 * the score with respect to A.
 *
 * <p>The Hessian-vector product H A as the reference's double backward pass gives it: a second reverse pass through
 * the head's gradient graph ({@link org.cam4j.model.SecondOrder#hessianVectorProduct}), which for non-linear
 * targets adds J^T (d2S/dy2) J A from the targets' Hessians ({@link Target#hessianTimes}). Piecewise-linear heads with
 * linear targets need no pass: H A = 0 there and ShapleyCAM equals Grad-CAM. Where a backend or a target cannot give
 * the second pass, a central difference of head gradients along A: (g(A (1 + eps)) - g(A (1 - eps))) / (2 eps),
 * eps = 1e-3 (option {@code hvp_eps}).
 */
@AutoService(CamMethod.class)
public final class ShapleyCam extends WeightedCam {
    @Override
    public String name() {
        return "ShapleyCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("shapley");
    }

    @Override
    public String description() {
        return "gradients corrected by a Hessian-vector product (Shapley-value view of CAM)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("hvp_eps");
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS, Capability.SECOND_ORDER);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        Tensor hvp = hessianTimesActivations(layer, context, context.options().number("hvp_eps", 1e-3));
        Tensor g = layer.requireGradients();
        Tensor corrected = Tensor.zeros(g.shape());
        for (int i = 0; i < g.size(); i++) {
            corrected.put(i, g.at(i) - 0.5f * hvp.at(i));
        }
        return CamOps.spatialMean(corrected);
    }

    /**
     * H A: zero for piecewise-linear heads with linear targets; else the model's exact second backward pass; where a
     * backend or a target cannot give it, central differences of the head gradient.
     */
    static Tensor hessianTimesActivations(LayerData layer, CamContext context, double eps) {
        Tensor a = layer.activations();
        if (context.targets().stream().allMatch(org.cam4j.targets.Target::isLinear)
                && context.model().capability(HeadForward.class).headIsPiecewiseLinear(layer.name())) {
            return Tensor.zeros(a.shape());
        }
        int[] rows = new int[layer.batch()];
        java.util.Arrays.setAll(rows, i -> i);
        try {
            return context.model().capability(SecondOrder.class).hessianVectorProduct(layer.name(), a, rows, context.forward(), context.targets(),
                    a);
        } catch (UnsupportedOperationException noSecondPass) {
            return differences(layer, context, eps, rows);
        }
    }

    /** (g(A (1 + eps)) - g(A (1 - eps))) / (2 eps). */
    private static Tensor differences(LayerData layer, CamContext context, double eps, int[] rows) {
        Tensor a = layer.activations();
        Tensor plus = Tensor.zeros(a.shape());
        Tensor minus = Tensor.zeros(a.shape());
        for (int i = 0; i < a.size(); i++) {
            plus.put(i, (float) (a.at(i) * (1 + eps)));
            minus.put(i, (float) (a.at(i) * (1 - eps)));
        }
        Tensor gPlus = context.model().capability(HeadForward.class).headGradient(layer.name(), plus, rows, context.forward(), context.targets());
        Tensor gMinus = context.model().capability(HeadForward.class).headGradient(layer.name(), minus, rows, context.forward(), context.targets());
        Tensor hvp = Tensor.zeros(a.shape());
        for (int i = 0; i < a.size(); i++) {
            hvp.put(i, (float) ((gPlus.at(i) - gMinus.at(i)) / (2 * eps)));
        }
        return hvp;
    }
}
