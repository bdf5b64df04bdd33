package org.cam4j.model;

import java.util.ArrayList;
import java.util.List;
import org.cam4j.targets.RawScoresTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * The targets' part of a Hessian-vector product, shared by the backends' second backward passes: for a non-linear
 * target S(y), H v = J^T (d2S/dy2)(J v) + (the outputs' own curvature), and the first term is one head gradient seeded
 * with u = d2S/dy2 (J v) ({@link Target#hessianTimes}).
 */
public final class TargetCurvature {
    private TargetCurvature() {
    }

    /**
     * Adds J^T u to {@code hvp} (N x C x h x w, in place) and returns it.
     *
     * @param model the model's head runs
     * @param layer the target layer
     * @param activations the rows evaluated at, N' x C x h x w
     * @param sourceImage for each row, the image of {@code prefix} it belongs to
     * @param prefix a forward pass of the model at that layer
     * @param targets one per row
     * @param outputs the head's outputs at the activations, one row per activation row
     * @param jv J v, one row per activation row
     * @param hvp the product so far, changed in place
     * @return {@code hvp}
     * @throws UnsupportedOperationException when a target does not know its Hessian
     */
    public static Tensor add(HeadForward model, String layer, Tensor activations, int[] sourceImage,
                             ForwardResult prefix, List<Target> targets, Tensor outputs, Tensor jv, Tensor hvp) {
        List<Target> curvature = new ArrayList<>();
        for (int r = 0; r < sourceImage.length; r++) {
            Tensor u = targets.get(r).hessianTimes(outputs.slice(r), jv.slice(r));
            if (u == null) {
                throw new UnsupportedOperationException(targets.get(r) + " does not know its Hessian");
            }
            curvature.add(new RawScoresTarget(u));
        }
        Tensor term = model.headGradient(layer, activations, sourceImage, prefix, curvature);
        for (int i = 0; i < hvp.size(); i++) {
            hvp.put(i, hvp.at(i) + term.at(i));
        }
        return hvp;
    }
}
