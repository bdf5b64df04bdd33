package org.cam4j.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/** The Lanczos and Gram-matrix first components against a full SVD of the same matrix (the reference's method). */
class EigenProjectionTest {
    private static double[] bySvd(DMatrixRMaj x) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(x.numRows, x.numCols, true,
                false, false);
        assertThat(svd.decompose(x.copy())).isTrue();
        double[] s = svd.getSingularValues();
        int best = 0;
        for (int k = 1; k < svd.numberOfSingularValues(); k++) {
            best = s[k] > s[best] ? k : best;
        }
        DMatrixRMaj u = svd.getU(null, false);
        double[] p = new double[x.numRows];
        int argmax = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = u.get(i, best) * s[best];
            argmax = Math.abs(p[i]) > Math.abs(p[argmax]) ? i : argmax;
        }
        double sign = Math.signum(p[argmax]);
        for (int i = 0; i < p.length; i++) {
            p[i] *= sign;
        }
        return p;
    }

    @Test
    void lanczosAndGramMatrixComponentsEqualTheSvdsForWideAndTallMatrices() {
        Random r = new Random(3);
        int[][] shapes = {{49, 512}, {196, 64}, {196, 256}, {9, 9}, {64, 3}, {1, 4}, {3136, 64}};
        for (int[] shape : shapes) {
            DMatrixRMaj x = new DMatrixRMaj(shape[0], shape[1]);
            for (int i = 0; i < x.getNumElements(); i++) {
                x.set(i, Math.max(0, r.nextGaussian()) + (i % shape[1] == 0 ? 3 * r.nextDouble() : 0));
            }
            // centre the columns as project() does
            for (int c = 0; c < shape[1]; c++) {
                double mean = 0;
                for (int p = 0; p < shape[0]; p++) {
                    mean += x.get(p, c);
                }
                for (int p = 0; p < shape[0]; p++) {
                    x.set(p, c, x.get(p, c) - mean / shape[0]);
                }
            }
            double[] expected = bySvd(x);
            double[] channelMajor = new double[shape[0] * shape[1]];
            for (int c = 0; c < shape[1]; c++) {
                for (int p = 0; p < shape[0]; p++) {
                    channelMajor[c * shape[0] + p] = x.get(p, c);
                }
            }
            double scale = 0;
            for (double v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            double[] lanczos = LanczosTopComponent.topComponent(channelMajor, shape[0], shape[1]);
            assertThat(lanczos).as("Lanczos converges on %dx%d", shape[0], shape[1]).isNotNull();
            double[] gram = EigenProjection.byGramMatrix(channelMajor, shape[0], shape[1]);
            double[] actual = EigenProjection.firstComponent(channelMajor, shape[0], shape[1]);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%dx%d entry %d", shape[0], shape[1], i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-9 * scale));
                // the Gram-matrix fallback, before the sign rule
                assertThat(Math.abs(gram[i])).as("%dx%d Gram entry %d", shape[0], shape[1], i)
                        .isCloseTo(Math.abs(expected[i]), org.assertj.core.data.Offset.offset(1e-9 * scale));
            }
        }
    }

    @Test
    void topEigenpairSatisfiesTheEigenEquationAlsoWhenTheLargestEigenvalueIsRepeated() {
        // diag(5, 5, 1) rotated: the top eigenvalue has a two-dimensional eigenspace
        DMatrixRMaj q = new DMatrixRMaj(new double[][] {{0.6, 0.8, 0}, {-0.8, 0.6, 0}, {0, 0, 1}});
        DMatrixRMaj d = new DMatrixRMaj(new double[][] {{5, 0, 0}, {0, 5, 0}, {0, 0, 1}});
        DMatrixRMaj qd = new DMatrixRMaj(3, 3);
        DMatrixRMaj gram = new DMatrixRMaj(3, 3);
        org.ejml.dense.row.CommonOps_DDRM.mult(q, d, qd);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(qd, q, gram);
        org.ejml.data.DEigenpair top = EigenProjection.topEigenpair(gram);
        assertThat(top.value).isCloseTo(5, org.assertj.core.data.Offset.offset(1e-9));
        DMatrixRMaj gv = new DMatrixRMaj(3, 1);
        org.ejml.dense.row.CommonOps_DDRM.mult(gram, top.vector, gv);
        double norm = org.ejml.dense.row.NormOps_DDRM.normF(top.vector);
        assertThat(norm).isGreaterThan(0);
        for (int i = 0; i < 3; i++) {
            assertThat(gv.get(i)).isCloseTo(5 * top.vector.get(i), org.assertj.core.data.Offset.offset(1e-9 * norm));
        }
    }

    @Test
    void allZeroActivationsProjectToZero() {
        org.cam4j.tensor.Tensor zero = org.cam4j.tensor.Tensor.zeros(2, 8, 3, 3);
        org.cam4j.tensor.Tensor p = EigenProjection.project(zero);
        assertThat(p.shape()).containsExactly(2, 3, 3);
        assertThat(p.max()).isZero();
        assertThat(p.min()).isZero();
    }
}
