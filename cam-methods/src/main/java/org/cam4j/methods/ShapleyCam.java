package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.pipeline.CamContext;
import org.cam4j.pipeline.CamOps;
import org.cam4j.pipeline.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Capability;
import org.cam4j.target.Target;
import org.cam4j.tensor.Tensor;

/**
 * ShapleyCAM (Cai, arXiv:2501.06261): w_c = spatial mean of (g - H A / 2), with g = dS/dA and H the Hessian of
 * the score with respect to A.
 *
 * <p>The Hessian-vector product H A, as the reference's double backward pass gives it, where the head is piecewise
 * linear in A (ReLU, pooling, linear maps; {@link org.cam4j.model.ExplainableModel#headIsPiecewiseLinear}): its
 * second derivatives are zero, so H = J^T (d2S/dy2) J with J = dy/dA. Linear targets: H A = 0 and ShapleyCAM equals
 * Grad-CAM. Targets that know their Hessian ({@link Target#hessianTimes}: softmax, ReST) on a class-vector output:
 * J A exactly from one head gradient per class (row k: grad of y_k, dotted with A), then H A = J^T (d2S/dy2 J A) from
 * one more head gradient seeded with that vector; no difference quotient jumps across a ReLU kink. Otherwise a
 * central difference of head gradients along A: (g(A (1 + eps)) - g(A (1 - eps))) / (2 eps), eps = 1e-3 (option
 * {@code hvp_eps}), exact for heads quadratic in A.
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

    /** Classes above which the exact path (one head gradient per class) gives way to differences. */
    private static final int MAX_EXACT_CLASSES = 4096;
    /** Head-gradient rows per run on the exact path. */
    private static final int ROWS_PER_RUN = 64;

    /** H A: exact for piecewise-linear heads (see the class comment), else central differences. */
    static Tensor hessianTimesActivations(LayerData layer, CamContext context, double eps) {
        Tensor a = layer.activations();
        boolean piecewiseLinear = context.model().headIsPiecewiseLinear(layer.name());
        if (piecewiseLinear && context.targets().stream().allMatch(t -> t != null && t.isLinear())) {
            return Tensor.zeros(a.shape());
        }
        Tensor outputs = context.forward().output();
        if (piecewiseLinear && outputs != null && outputs.rank() == 2 && outputs.dim(1) <= MAX_EXACT_CLASSES
                && context.targets().stream().allMatch(t -> t != null
                && t.hessianTimes(outputs.slice(0), Tensor.zeros(outputs.dim(1))) != null)) {
            return piecewiseLinearHvp(layer, context, outputs);
        }
        int[] rows = new int[layer.batch()];
        java.util.Arrays.setAll(rows, i -> i);
        Tensor plus = Tensor.zeros(a.shape());
        Tensor minus = Tensor.zeros(a.shape());
        for (int i = 0; i < a.size(); i++) {
            plus.put(i, (float) (a.at(i) * (1 + eps)));
            minus.put(i, (float) (a.at(i) * (1 - eps)));
        }
        Tensor gPlus = context.model().headGradient(layer.name(), plus, rows, context.forward(), context.targets());
        Tensor gMinus = context.model().headGradient(layer.name(), minus, rows, context.forward(), context.targets());
        Tensor hvp = Tensor.zeros(a.shape());
        for (int i = 0; i < a.size(); i++) {
            hvp.put(i, (float) ((gPlus.at(i) - gMinus.at(i)) / (2 * eps)));
        }
        return hvp;
    }

    /** J^T (d2S/dy2) (J A) per image, with J A from one head gradient per class. */
    private static Tensor piecewiseLinearHvp(LayerData layer, CamContext context, Tensor outputs) {
        Tensor a = layer.activations();
        int classes = outputs.dim(1);
        Tensor hvp = Tensor.zeros(a.shape());
        for (int i = 0; i < layer.batch(); i++) {
            Tensor ai = a.slice(i);
            Tensor ja = Tensor.zeros(classes);
            for (int start = 0; start < classes; start += ROWS_PER_RUN) {
                CamOps.checkCancelled();
                int count = Math.min(ROWS_PER_RUN, classes - start);
                int[] rows = new int[count];
                java.util.Arrays.fill(rows, i);
                Tensor copies = Tensor.zeros(withBatch(ai.shape(), count));
                List<Target> oneHot = new java.util.ArrayList<>();
                for (int r = 0; r < count; r++) {
                    copies.slice(r).copyFrom(ai);
                    oneHot.add(new org.cam4j.target.ClassifierOutputTarget(start + r));
                }
                Tensor g = context.model().headGradient(layer.name(), copies, rows, context.forward(), oneHot);
                for (int r = 0; r < count; r++) {
                    double dot = 0;
                    Tensor gr = g.slice(r);
                    for (int p = 0; p < ai.size(); p++) {
                        dot += gr.at(p) * ai.at(p);
                    }
                    ja.put(start + r, (float) dot);
                }
            }
            Tensor u = context.targets().get(i).hessianTimes(outputs.slice(i), ja);
            Tensor row = Tensor.zeros(withBatch(ai.shape(), 1));
            row.slice(0).copyFrom(ai);
            Tensor h = context.model().headGradient(layer.name(), row, new int[] {i}, context.forward(),
                    List.of(new org.cam4j.target.RawScoresTarget(u)));
            hvp.slice(i).copyFrom(h.slice(0));
        }
        return hvp;
    }

    private static int[] withBatch(int[] shape, int n) {
        int[] out = new int[shape.length + 1];
        out[0] = n;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
