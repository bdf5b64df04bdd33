package org.cam4j.pipeline;

import org.cam4j.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The reference's {@code get_2d_projection}: per image, the (h*w) x C matrix of activations, each channel minus
 * its mean, projected on its first right singular vector; NaN counts as 0.
 *
 * <p>Sign rule: the SVD fixes a singular vector only up to sign and the reference leaves it as LAPACK returns
 * it. We make the projection's entry of largest magnitude positive, so the result does not depend on the SVD
 * implementation; it equals the reference's projection or its negation.
 */
public final class EigenProjection {
    private EigenProjection() {
    }

    /** N x C x h x w to N x h x w. */
    public static Tensor project(Tensor activations) {
        int n = activations.dim(0);
        int c = activations.dim(1);
        int h = activations.dim(2);
        int w = activations.dim(3);
        int hw = h * w;
        Tensor out = Tensor.zeros(n, h, w);
        for (int i = 0; i < n; i++) {
            DMatrixRMaj x = new DMatrixRMaj(hw, c);
            Tensor a = activations.slice(i);
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int p = 0; p < hw; p++) {
                    mean += finite(a.at(ch * hw + p));
                }
                mean /= hw;
                for (int p = 0; p < hw; p++) {
                    x.set(p, ch, finite(a.at(ch * hw + p)) - mean);
                }
            }
            double[] projection = firstComponent(x);
            for (int p = 0; p < hw; p++) {
                out.put(i * hw + p, (float) projection[p]);
            }
        }
        return out;
    }

    private static double finite(float v) {
        return Float.isNaN(v) ? 0 : v;
    }

    /** X v1 (= s1 u1) with the sign rule above. */
    static double[] firstComponent(DMatrixRMaj x) {
        int rows = x.numRows;
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(rows, x.numCols, true, false, true);
        if (!svd.decompose(x.copy())) {
            throw new IllegalStateException("SVD did not converge");
        }
        double[] s = svd.getSingularValues();
        int best = 0;
        for (int k = 1; k < svd.numberOfSingularValues(); k++) {
            if (s[k] > s[best]) {
                best = k;
            }
        }
        DMatrixRMaj u = svd.getU(null, false);
        double[] proj = new double[rows];
        int argmax = 0;
        for (int p = 0; p < rows; p++) {
            proj[p] = u.get(p, best) * s[best];
            if (Math.abs(proj[p]) > Math.abs(proj[argmax])) {
                argmax = p;
            }
        }
        if (proj[argmax] < 0) {
            for (int p = 0; p < rows; p++) {
                proj[p] = -proj[p];
            }
        }
        return proj;
    }
}
