package org.cam4j.metrics;

import java.util.Random;
import org.cam4j.tensor.Tensor;

/**
 * ROAD's noisy linear imputer (Rong et al., ICML 2022, arXiv:2202.00449), as the reference has it: every removed
 * pixel becomes the weighted mean of its 8 neighbours (weight 1/6 for the 4 direct ones, 1/12 for the diagonals),
 * removed neighbours being unknowns themselves; one sparse linear system per image and channel, plus Gaussian noise
 * of the given magnitude. Neighbours outside the image drop out of the mean's weights.
 */
public final class NoisyLinearImputer {
    private static final int[][] OFFSETS = {{1, 1}, {0, 1}, {-1, 1}, {1, -1}, {0, -1}, {-1, -1}, {1, 0}, {-1, 0}};
    private static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0,
        1 / 6.0};

    private final double noise;
    private final Random random;

    /** An imputer adding Gaussian noise of standard deviation {@code noise}, from a seeded random source. */
    public NoisyLinearImputer(double noise, long seed) {
        this.noise = noise;
        this.random = new Random(seed);
    }

    /**
     * @param image C x H x W values
     * @param keep H x W, true where the pixel stays, false where it is imputed
     * @return the image with the removed pixels imputed
     */
    public Tensor impute(Tensor image, boolean[] keep) {
        int c = image.dim(0);
        int h = image.dim(1);
        int w = image.dim(2);
        Tensor out = image.copy();
        for (int ch = 0; ch < c; ch++) {
            double[] known = new double[h * w];
            for (int p = 0; p < h * w; p++) {
                known[p] = keep[p] ? image.at(ch * h * w + p) : 0;
            }
            double[] x = solve(known, keep, h, w);
            for (int p = 0; p < h * w; p++) {
                if (!keep[p]) {
                    out.put(ch * h * w + p, (float) (x[p] + (noise == 0 ? 0 : noise * random.nextGaussian())));
                }
            }
        }
        return out;
    }

    /**
     * The system's solution on the removed pixels: for each, d_p x_p - sum_{removed q} w_pq x_q = sum_{kept q}
     * w_pq v_q, with d_p the weights of its neighbours inside the image. The matrix is symmetric and diagonally
     * dominant (positive definite), so conjugate gradients with a diagonal preconditioner solve it to a relative
     * residual of 1e-10 without forming it.
     */
    static double[] solve(double[] known, boolean[] keep, int h, int w) {
        int n = h * w;
        double[] diag = new double[n];
        double[] b = new double[n];
        for (int p = 0; p < n; p++) {
            if (keep[p]) {
                continue;
            }
            double d = 1;
            int y = p / w;
            int x = p % w;
            for (int k = 0; k < OFFSETS.length; k++) {
                int yy = y + OFFSETS[k][0];
                int xx = x + OFFSETS[k][1];
                if (yy < 0 || xx < 0 || yy >= h || xx >= w) {
                    d -= WEIGHTS[k];
                } else if (keep[yy * w + xx]) {
                    b[p] += WEIGHTS[k] * known[yy * w + xx];
                }
            }
            diag[p] = d;
        }
        double[] x = new double[n];
        double[] r = b.clone();
        double[] z = new double[n];
        double[] dir = new double[n];
        double[] q = new double[n];
        double bNorm = Math.sqrt(dot(b, b));
        if (bNorm == 0) {
            return x;
        }
        for (int p = 0; p < n; p++) {
            z[p] = keep[p] ? 0 : r[p] / diag[p];
            dir[p] = z[p];
        }
        double rz = dot(r, z);
        for (int it = 0; it < 20 * n && Math.sqrt(dot(r, r)) > 1e-10 * bNorm; it++) {
            apply(dir, q, diag, keep, h, w);
            double alpha = rz / dot(dir, q);
            for (int p = 0; p < n; p++) {
                x[p] += alpha * dir[p];
                r[p] -= alpha * q[p];
                z[p] = keep[p] ? 0 : r[p] / diag[p];
            }
            double next = dot(r, z);
            double beta = next / rz;
            rz = next;
            for (int p = 0; p < n; p++) {
                dir[p] = z[p] + beta * dir[p];
            }
        }
        return x;
    }

    /** q = M v on the removed pixels: d_p v_p - sum over removed neighbours of w_pq v_q. */
    private static void apply(double[] v, double[] q, double[] diag, boolean[] keep, int h, int w) {
        for (int p = 0; p < h * w; p++) {
            if (keep[p]) {
                q[p] = 0;
                continue;
            }
            double s = diag[p] * v[p];
            int y = p / w;
            int x = p % w;
            for (int k = 0; k < OFFSETS.length; k++) {
                int yy = y + OFFSETS[k][0];
                int xx = x + OFFSETS[k][1];
                if (yy >= 0 && xx >= 0 && yy < h && xx < w && !keep[yy * w + xx]) {
                    s -= WEIGHTS[k] * v[yy * w + xx];
                }
            }
            q[p] = s;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
