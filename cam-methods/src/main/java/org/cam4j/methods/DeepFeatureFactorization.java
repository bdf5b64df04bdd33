package org.cam4j.methods;

import java.util.List;
import java.util.Random;
import org.cam4j.model.HeadForward;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.math.CamOps;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;

/**
 * Deep Feature Factorization (Collins et al., ECCV 2018), as pytorch-grad-cam's {@code DeepFeatureFactorization}:
 * the layer's activations of the whole batch, C x (N h w), shifted per channel to be non-negative, factorised by
 * non-negative matrix factorisation into k concepts W (C x k, shifted back) and their maps H (k x N h w); each
 * image's k maps are min-max scaled and resized to the input. Optionally each concept is scored by running the
 * network's head on it (the concept vector at every position), giving k x classes softmax scores.
 *
 * <p>NMF here is Lee and Seung's multiplicative updates for the Frobenius norm (200 iterations at most, seeded
 * random start scaled as scikit-learn's {@code init='random'}); scikit-learn's coordinate descent reaches a
 * different local optimum, so concepts match the reference in kind, not number for number.
 */
public final class DeepFeatureFactorization {
    private static final int MAX_ITER = 200;
    private static final double TOL = 1e-4;

    /**
     * @param concepts C x k concept embeddings
     * @param explanations N x k x H x W concept maps in [0, 1]
     * @param conceptScores k x classes softmax scores of the concepts, or {@code null}
     */
    public record Factorization(Tensor concepts, Tensor explanations, Tensor conceptScores) {
    }

    private DeepFeatureFactorization() {
    }

    /**
     * Factorises a layer's activations over the batch into {@code components} concepts (non-negative matrix
     * factorisation), with each concept's map per image and, when {@code scoreConcepts}, the classifier head's
     * softmax scores of each concept embedding.
     */
    public static Factorization compute(ExplainableModel model, Tensor input, String layer, int components,
                                        boolean scoreConcepts) {
        if (components < 1) {
            throw new IllegalArgumentException("the number of concepts must be >= 1, got " + components);
        }
        ForwardResult forward = scoreConcepts
                ? model.forward(input, List.of(layer), Targets.topClass(input.dim(0)), false)
                : model.activations(input, List.of(layer));
        Tensor a = forward.activation(layer);
        int n = a.dim(0);
        int c = a.dim(1);
        int h = a.dim(2);
        int w = a.dim(3);
        int m = n * h * w;
        double[][] x = new double[c][m];
        double[] offset = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < h * w; p++) {
                    float v = a.get(i, ch, p / w, p % w);
                    x[ch][i * h * w + p] = Float.isNaN(v) ? 0 : v;
                    min = Math.min(min, x[ch][i * h * w + p]);
                }
            }
            offset[ch] = min;
            for (int j = 0; j < m; j++) {
                x[ch][j] -= min;
            }
        }
        double[][][] wh = nmf(x, components, new Random(0));
        Tensor concepts = Tensor.zeros(c, components);
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < components; k++) {
                concepts.set((float) (wh[0][ch][k] + offset[ch]), ch, k);
            }
        }
        int height = input.dim(2);
        int width = input.dim(3);
        if (model.input().layout() == org.cam4j.tensor.Layout.NHWC) {
            height = input.dim(1);
            width = input.dim(2);
        }
        Tensor explanations = Tensor.zeros(n, components, height, width);
        for (int i = 0; i < n; i++) {
            Tensor maps = Tensor.zeros(components, h, w);
            for (int k = 0; k < components; k++) {
                for (int p = 0; p < h * w; p++) {
                    maps.put(k * h * w + p, (float) wh[1][k][i * h * w + p]);
                }
            }
            explanations.slice(i).copyFrom(CamOps.scale(maps, height, width));
        }
        return new Factorization(concepts, explanations, scoreConcepts ? scores(model, forward, layer, concepts, h, w)
                : null);
    }

    /** Softmax of the head's outputs for each concept placed at every position of the layer. */
    private static Tensor scores(ExplainableModel model, ForwardResult forward, String layer, Tensor concepts, int h,
                                 int w) {
        int c = concepts.dim(0);
        int k = concepts.dim(1);
        Tensor maps = Tensor.zeros(k, c, h, w);
        for (int j = 0; j < k; j++) {
            for (int ch = 0; ch < c; ch++) {
                Tensor plane = maps.slice(j).slice(ch);
                for (int p = 0; p < plane.size(); p++) {
                    plane.put(p, concepts.get(ch, j));
                }
            }
        }
        int[] source = new int[k];
        return CamOps.softmaxRows(model.capability(HeadForward.class).forwardHead(layer, maps, source, forward).reshape(k, -1));
    }

    /** X (C x M, non-negative) ~ W (C x k) H (k x M): multiplicative updates; returns {W, H}. */
    static double[][][] nmf(double[][] x, int k, Random random) {
        int c = x.length;
        int m = x[0].length;
        double mean = 0;
        for (double[] row : x) {
            for (double v : row) {
                mean += v;
            }
        }
        mean /= (double) c * m;
        double scale = Math.sqrt(mean / k);
        double[][] wm = new double[c][k];
        double[][] hm = new double[k][m];
        for (double[] row : wm) {
            for (int j = 0; j < k; j++) {
                row[j] = scale * Math.abs(random.nextGaussian());
            }
        }
        for (double[] row : hm) {
            for (int j = 0; j < m; j++) {
                row[j] = scale * Math.abs(random.nextGaussian());
            }
        }
        double previous = Double.POSITIVE_INFINITY;
        for (int iter = 0; iter < MAX_ITER; iter++) {
            // H <- H * (W^T X) / (W^T W H)
            double[][] wtx = new double[k][m];
            double[][] wtw = new double[k][k];
            for (int ch = 0; ch < c; ch++) {
                for (int a = 0; a < k; a++) {
                    double wa = wm[ch][a];
                    for (int j = 0; j < m; j++) {
                        wtx[a][j] += wa * x[ch][j];
                    }
                    for (int b = 0; b < k; b++) {
                        wtw[a][b] += wa * wm[ch][b];
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                for (int j = 0; j < m; j++) {
                    double den = 0;
                    for (int b = 0; b < k; b++) {
                        den += wtw[a][b] * hm[b][j];
                    }
                    hm[a][j] *= wtx[a][j] / (den + 1e-12);
                }
            }
            // W <- W * (X H^T) / (W H H^T)
            double[][] hht = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double s = 0;
                    for (int j = 0; j < m; j++) {
                        s += hm[a][j] * hm[b][j];
                    }
                    hht[a][b] = s;
                }
            }
            double error = 0;
            for (int ch = 0; ch < c; ch++) {
                double[] xht = new double[k];
                for (int a = 0; a < k; a++) {
                    double s = 0;
                    for (int j = 0; j < m; j++) {
                        s += x[ch][j] * hm[a][j];
                    }
                    xht[a] = s;
                }
                for (int a = 0; a < k; a++) {
                    double den = 0;
                    for (int b = 0; b < k; b++) {
                        den += wm[ch][b] * hht[b][a];
                    }
                    wm[ch][a] *= xht[a] / (den + 1e-12);
                }
                for (int j = 0; j < m; j++) {
                    double r = x[ch][j];
                    for (int a = 0; a < k; a++) {
                        r -= wm[ch][a] * hm[a][j];
                    }
                    error += r * r;
                }
            }
            if (previous - error < TOL * previous) {
                break;
            }
            previous = error;
        }
        return new double[][][] {wm, hm};
    }

    /**
     * The reference's {@code show_factorization_on_image}: each pixel takes the colour of its strongest concept,
     * with brightness (HSV value) equal to that concept's map; out = image * w + colours * (1 - w), 0..255.
     * Colours are evenly spaced hues.
     *
     * @param rgb H x W x 3 in [0, 1]; explanations k x H x W in [0, 1]
     */
    public static Tensor overlay(Tensor rgb, Tensor explanations, float imageWeight) {
        int k = explanations.dim(0);
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        Tensor out = Tensor.zeros(h, w, 3);
        for (int p = 0; p < h * w; p++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (explanations.at(j * h * w + p) > explanations.at(best * h * w + p)) {
                    best = j;
                }
            }
            float value = explanations.at(best * h * w + p);
            java.awt.Color color = java.awt.Color.getHSBColor(best / (float) k, 1f, value);
            float[] c = {color.getRed() / 255f, color.getGreen() / 255f, color.getBlue() / 255f};
            for (int ch = 0; ch < 3; ch++) {
                out.put(p * 3 + ch, (int) (255 * (rgb.at(p * 3 + ch) * imageWeight + c[ch] * (1 - imageWeight))));
            }
        }
        return out;
    }
}
