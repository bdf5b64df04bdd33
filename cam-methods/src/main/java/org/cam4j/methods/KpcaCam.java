package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * KPCA-CAM (Karmani et al., arXiv:2410.00267): kernel PCA of the channel-centred activations (h*w samples of C
 * features), one component, as scikit-learn's {@code KernelPCA}: sigmoid kernel tanh(gamma &lt;x, y&gt; + 1) with
 * gamma = 1/C (option {@code gamma}), the kernel centred, its top eigenvector a scaled by sqrt(eigenvalue), and the
 * sign fixed so the entry of largest magnitude of a is positive. Options: {@code kernel} sigmoid, rbf, linear,
 * poly (degree 3).
 *
 * <p>Computed in double precision. scikit-learn works in float32 on float32 activations; where the centred kernel
 * is a tiny difference of values near tanh(1) (mobilenet_v2's last layer) its result carries float32 noise that no
 * exact computation reproduces. Option {@code float32=true} computes the kernel and its centring in float32 with
 * numpy's summation orders, as scikit-learn does, which shows how sensitive a given case is to that rounding.
 */
@AutoService(CamMethod.class)
public final class KpcaCam implements CamMethod {
    @Override
    public String name() {
        return "KPCA_CAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("kpca");
    }

    @Override
    public String description() {
        return "first kernel principal component of the activations (no gradients)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("kernel", "gamma", "float32");
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        Tensor a = layer.activations();
        int n = a.dim(0);
        int c = a.dim(1);
        int hw = a.size() / (n * c);
        String kernel = context.options().extra().getOrDefault("kernel", "sigmoid");
        double gamma = context.options().number("gamma", 1.0 / c);
        boolean float32 = Boolean.parseBoolean(context.options().extra().getOrDefault("float32", "false"));
        Tensor out = Tensor.zeros(n, a.dim(2), a.dim(3));
        for (int i = 0; i < n; i++) {
            double[][] x = new double[hw][c];
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int p = 0; p < hw; p++) {
                    mean += a.at((i * c + ch) * hw + p);
                }
                mean /= hw;
                for (int p = 0; p < hw; p++) {
                    x[p][ch] = a.at((i * c + ch) * hw + p) - mean;
                }
            }
            double[] projection = firstComponent(kernelMatrix(x, kernel, gamma, float32), float32);
            for (int p = 0; p < hw; p++) {
                out.put(i * hw + p, (float) projection[p]);
            }
        }
        return out;
    }

    private static double[][] kernelMatrix(double[][] x, String kernel, double gamma, boolean float32) {
        int m = x.length;
        double[][] k = new double[m][m];
        for (int p = 0; p < m; p++) {
            for (int q = p; q < m; q++) {
                double dot = 0;
                double dist = 0;
                for (int f = 0; f < x[p].length; f++) {
                    dot += x[p][f] * x[q][f];
                    dist += (x[p][f] - x[q][f]) * (x[p][f] - x[q][f]);
                }
                double v = switch (kernel) {
                    case "sigmoid" -> Math.tanh(gamma * dot + 1);
                    case "rbf" -> Math.exp(-gamma * dist);
                    case "linear" -> dot;
                    case "poly" -> Math.pow(gamma * dot + 1, 3);
                    default -> throw new IllegalArgumentException("unknown KPCA kernel '" + kernel
                            + "'; use sigmoid, rbf, linear or poly");
                };
                k[p][q] = float32 ? (float) v : v;
                k[q][p] = k[p][q];
            }
        }
        return k;
    }

    private static DMatrixRMaj centred(double[][] kernel) {
        int m = kernel.length;
        double[] mean = new double[m];
        double total = 0;
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < m; q++) {
                mean[p] += kernel[p][q] / m;
            }
            total += mean[p] / m;
        }
        DMatrixRMaj k = new DMatrixRMaj(m, m);
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < m; q++) {
                k.set(p, q, kernel[p][q] - mean[p] - mean[q] + total);
            }
        }
        return k;
    }

    /** scikit-learn's KernelCenterer in float32: column sums row by row, row sums pairwise, as numpy sums. */
    private static DMatrixRMaj centredInFloat32(double[][] kernel) {
        int m = kernel.length;
        float[][] f = new float[m][m];
        float[] colMean = new float[m];
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < m; q++) {
                f[p][q] = (float) kernel[p][q];
                colMean[q] += f[p][q];
            }
        }
        for (int q = 0; q < m; q++) {
            colMean[q] /= m;
        }
        float total = pairwiseSum(colMean, 0, m) / m;
        DMatrixRMaj k = new DMatrixRMaj(m, m);
        for (int p = 0; p < m; p++) {
            float rowMean = pairwiseSum(f[p], 0, m) / m;
            for (int q = 0; q < m; q++) {
                float v = f[p][q] - colMean[q];
                v -= rowMean;
                v += total;
                k.set(p, q, v);
            }
        }
        return k;
    }

    /** numpy's float32 pairwise summation (8 interleaved partial sums per block of at most 128). */
    private static float pairwiseSum(float[] v, int from, int n) {
        if (n < 8) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += v[from + i];
            }
            return s;
        }
        if (n > 128) {
            int half = n / 2;
            half -= half % 8;
            return pairwiseSum(v, from, half) + pairwiseSum(v, from + half, n - half);
        }
        float[] r = new float[8];
        System.arraycopy(v, from, r, 0, 8);
        int i = 8;
        for (; i < n - n % 8; i += 8) {
            for (int j = 0; j < 8; j++) {
                r[j] += v[from + i + j];
            }
        }
        float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) {
            s += v[from + i];
        }
        return s;
    }

    /** The centred kernel's top eigenvector times sqrt(eigenvalue), sign-normalised. */
    private static double[] firstComponent(double[][] kernel, boolean float32) {
        DMatrixRMaj k = float32 ? centredInFloat32(kernel) : centred(kernel);
        int m = kernel.length;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (!eig.decompose(k)) {
            throw new IllegalStateException("kernel PCA eigendecomposition did not converge");
        }
        int best = 0;
        for (int e = 1; e < eig.getNumberOfEigenvalues(); e++) {
            if (eig.getEigenvalue(e).getReal() > eig.getEigenvalue(best).getReal()) {
                best = e;
            }
        }
        double lambda = Math.max(0, eig.getEigenvalue(best).getReal());
        DMatrixRMaj v = eig.getEigenVector(best);
        double norm = 0;
        int argmax = 0;
        for (int p = 0; p < m; p++) {
            norm += v.get(p) * v.get(p);
            if (Math.abs(v.get(p)) > Math.abs(v.get(argmax))) {
                argmax = p;
            }
        }
        double scale = Math.sqrt(lambda) / Math.sqrt(norm) * Math.signum(v.get(argmax));
        double[] out = new double[m];
        for (int p = 0; p < m; p++) {
            out[p] = v.get(p) * scale;
        }
        return out;
    }
}
