package org.cam4j.math;

import org.cam4j.tensor.Tensor;
import org.ejml.data.DEigenpair;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The reference's {@code get_2d_projection}: per image, the (h*w) x C matrix of activations, each channel minus
 * its mean, projected on its first right singular vector; NaN counts as 0.
 *
 * <p>Sign rule: the decomposition fixes a singular vector only up to sign and the reference leaves it as LAPACK returns
 * it. We make the projection's entry of largest magnitude positive, so the result does not depend on the SVD
 * implementation; it equals the reference's projection or its negation.
 */
public final class EigenProjection {
    private EigenProjection() {
    }

    /** N x C x h x w to N x h x w; images in parallel (each its own small eigenproblem). */
    public static Tensor project(Tensor activations) {
        int n = activations.dim(0);
        int c = activations.dim(1);
        int h = activations.dim(2);
        int w = activations.dim(3);
        int hw = h * w;
        Tensor out = Tensor.zeros(n, h, w);
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            // channel-major and centred, as the activations lie: each channel a contiguous row of h*w values
            double[] centred = new double[c * hw];
            Tensor a = activations.slice(i);
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int p = 0; p < hw; p++) {
                    mean += finite(a.at(ch * hw + p));
                }
                mean /= hw;
                for (int p = 0; p < hw; p++) {
                    centred[ch * hw + p] = finite(a.at(ch * hw + p)) - mean;
                }
            }
            double[] projection = firstComponent(centred, hw, c);
            for (int p = 0; p < hw; p++) {
                out.put(i * hw + p, (float) projection[p]);
            }
        });
        return out;
    }

    private static double finite(float v) {
        return Float.isNaN(v) ? 0 : v;
    }

    /**
     * X X^T (m x m) of the m x C matrix X given channel-major (C rows of m values, contiguous), as a sum of
     * symmetric rank-one updates over the channels: half the work of a general product, every read contiguous.
     */
    private static DMatrixRMaj rowGram(double[] channelMajor, int m, int c) {
        DMatrixRMaj gram = new DMatrixRMaj(m, m);
        double[] g = gram.data;
        for (int k = 0; k < c; k++) {
            int row0 = k * m;
            for (int p = 0; p < m; p++) {
                double v = channelMajor[row0 + p];
                if (v == 0) {
                    continue;
                }
                int row = p * m;
                for (int q = p; q < m; q++) {
                    g[row + q] += v * channelMajor[row0 + q];
                }
            }
        }
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < p; q++) {
                g[p * m + q] = g[q * m + p];
            }
        }
        return gram;
    }

    /** The largest eigenvalue of a symmetric matrix and its eigenvector, from a full decomposition. */
    static DEigenpair topEigenpair(DMatrixRMaj gram) {
        EigenDecomposition_F64<DMatrixRMaj> full = DecompositionFactory_DDRM.eig(gram.numRows, true, true);
        if (!full.decompose(gram.copy())) {
            throw new IllegalStateException("eigen decomposition did not converge");
        }
        int best = 0;
        for (int k = 1; k < full.getNumberOfEigenvalues(); k++) {
            best = full.getEigenvalue(k).real > full.getEigenvalue(best).real ? k : best;
        }
        return new DEigenpair(full.getEigenvalue(best).real, full.getEigenVector(best));
    }

    /**
     * X v1 (= s1 u1) with the sign rule above, never by a full SVD: by {@link LanczosTopComponent} (products with X and
     * X^T only), or when that has not converged (nearly equal top singular values), from the smaller Gram matrix: the
     * top eigenvector u1 of X X^T (m x m) scaled by sqrt(lambda1) when m <= C, else X v1 with v1 the top eigenvector
     * of X^T X (C x C).
     */
    static double[] firstComponent(double[] channelMajor, int rows, int channels) {
        double[] lanczos = LanczosTopComponent.topComponent(channelMajor, rows, channels);
        return withSignRule(lanczos != null ? lanczos : byGramMatrix(channelMajor, rows, channels));
    }

    static double[] byGramMatrix(double[] channelMajor, int rows, int channels) {
        boolean byRows = rows <= channels;
        DMatrixRMaj x = null;
        DMatrixRMaj gram;
        if (byRows) {
            gram = rowGram(channelMajor, rows, channels);
        } else {
            x = new DMatrixRMaj(rows, channels);
            for (int k = 0; k < channels; k++) {
                for (int p = 0; p < rows; p++) {
                    x.set(p, k, channelMajor[k * rows + p]);
                }
            }
            gram = new DMatrixRMaj(channels, channels);
            CommonOps_DDRM.multTransA(x, x, gram);
        }
        DEigenpair top = topEigenpair(gram);
        DMatrixRMaj vector = top.vector;
        double norm = NormOps_DDRM.normF(vector);
        double[] proj = new double[rows];
        if (norm > 0) {
            if (byRows) {
                double scale = Math.sqrt(Math.max(0, top.value)) / norm;
                for (int p = 0; p < rows; p++) {
                    proj[p] = vector.get(p) * scale;
                }
            } else {
                DMatrixRMaj xv = new DMatrixRMaj(rows, 1);
                CommonOps_DDRM.mult(x, vector, xv);
                for (int p = 0; p < rows; p++) {
                    proj[p] = xv.get(p) / norm;
                }
            }
        }
        return proj;
    }

    /** The projection with its entry of largest magnitude made positive. */
    private static double[] withSignRule(double[] proj) {
        int argmax = 0;
        for (int p = 0; p < proj.length; p++) {
            if (Math.abs(proj[p]) > Math.abs(proj[argmax])) {
                argmax = p;
            }
        }
        if (proj[argmax] < 0) {
            for (int p = 0; p < proj.length; p++) {
                proj[p] = -proj[p];
            }
        }
        return proj;
    }
}
