package org.cam4j.math;

import org.cam4j.image.BilinearResize;
import java.util.List;
import org.cam4j.tensor.Tensor;

/** The reference library's array steps: ReLU, per-image min-max scaling, weighted channel sums, layer means. */
public final class CamOps {
    private CamOps() {
    }

    /** max(x, 0), in place; returns {@code x}. */
    /**
     * Cooperative cancellation for long computations (a server's cancelled request): throws
     * {@link java.util.concurrent.CancellationException} when the current thread was interrupted.
     */
    public static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("cancelled");
        }
    }

    /**
     * max(x, 0) element by element, in place; returns {@code x}.
     *
     * @param x any tensor
     * @return {@code x}
     */
    public static Tensor relu(Tensor x) {
        for (int i = 0; i < x.size(); i++) {
            if (!(x.at(i) > 0f)) {
                x.put(i, 0f);
            }
        }
        return x;
    }

    /**
     * The reference's {@code scale_cam_image}: per image x = x - min; x = x / (1e-7 + max); then, when
     * {@code height > 0}, resized to height x width (OpenCV bilinear).
     *
     * @param cams N x h x w maps
     * @param height the height to resize to, or 0 to keep the size
     * @param width the width to resize to
     * @return the scaled maps, a copy
     */
    public static Tensor scale(Tensor cams, int height, int width) {
        if (height <= 0) {
            return normalizeEach(cams.copy());
        }
        Tensor out = Tensor.zeros(cams.dim(0), height, width);
        java.util.stream.IntStream.range(0, cams.dim(0)).parallel().forEach(i -> {
            Tensor img = cams.slice(i).copy();
            normalize(img);
            out.slice(i).copyFrom(BilinearResize.resize(img, height, width));
        });
        return out;
    }

    /** {@link #scale} without resizing, in place: images in parallel. */
    private static Tensor normalizeEach(Tensor maps) {
        java.util.stream.IntStream.range(0, maps.dim(0)).parallel().forEach(i -> normalize(maps.slice(i)));
        return maps;
    }

    /**
     * x = x - min; x = x / (1e-7 + max(x)) in two passes instead of three: rounding is monotonic, so on a finite map
     * the largest x - min is the largest value minus min, rounded alike, and the result is the same to the bit.
     */
    private static void normalize(Tensor img) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < img.size(); p++) {
            float v = img.at(p);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float denom = (float) (1e-7 + (max - min));
        for (int p = 0; p < img.size(); p++) {
            img.put(p, (img.at(p) - min) / denom);
        }
    }

    /**
     * The reference's {@code aggregate_multi_layers}: ReLU, mean over layers, scale again.
     *
     * @param perLayer one N x H x W map per layer
     * @return the combined maps, N x H x W in [0, 1]
     */
    public static Tensor aggregate(List<Tensor> perLayer) {
        Tensor first = perLayer.get(0);
        Tensor mean = Tensor.zeros(first.shape());
        if (perLayer.size() == 1) {
            // the mean of one map is the map (0 + v and v / 1 are exact): ReLU and scaling per image, in parallel
            int hw = first.size() / first.dim(0);
            java.util.stream.IntStream.range(0, first.dim(0)).parallel().forEach(i -> {
                for (int p = i * hw; p < (i + 1) * hw; p++) {
                    mean.put(p, Math.max(first.at(p), 0f));
                }
                normalize(mean.slice(i));
            });
            return mean;
        }
        for (Tensor layer : perLayer) {
            layer.requireShape(first.shape());
            for (int i = 0; i < mean.size(); i++) {
                mean.put(i, mean.at(i) + Math.max(layer.at(i), 0f));
            }
        }
        for (int i = 0; i < mean.size(); i++) {
            mean.put(i, mean.at(i) / perLayer.size());
        }
        return normalizeEach(mean);
    }

    /**
     * sum_c w[n, c] * A[n, c, :, :]: weights N x C, activations N x C x h x w, result N x h x w.
     *
     * @param weights N x C
     * @param activations N x C x h x w
     * @return N x h x w
     */
    public static Tensor weightedSum(Tensor weights, Tensor activations) {
        return sumChannels(weighted(weights, activations));
    }

    /**
     * w[n, c] * A[n, c, :, :], N x C x h x w.
     *
     * @param weights N x C
     * @param activations N x C x h x w
     * @return N x C x h x w
     */
    public static Tensor weighted(Tensor weights, Tensor activations) {
        int n = activations.dim(0);
        int c = activations.dim(1);
        weights.requireShape(n, c);
        int hw = activations.size() / (n * c);
        Tensor out = Tensor.zeros(activations.shape());
        for (int i = 0; i < n * c; i++) {
            float wi = weights.at(i);
            for (int p = 0; p < hw; p++) {
                out.put(i * hw + p, wi * activations.at(i * hw + p));
            }
        }
        return out;
    }

    /**
     * Sum over the channel axis: N x C x h x w to N x h x w.
     *
     * @param x N x C x h x w
     * @return N x h x w
     */
    public static Tensor sumChannels(Tensor x) {
        int n = x.dim(0);
        int c = x.dim(1);
        int hw = x.size() / (n * c);
        Tensor out = Tensor.zeros(n, x.dim(2), x.dim(3));
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    out.put(i * hw + p, out.at(i * hw + p) + x.at(base + p));
                }
            }
        }
        return out;
    }

    /**
     * The CAM of per-channel maps: their channel sum, or with {@code eigenSmooth} their projection on the first
     * principal component ({@link EigenProjection}), as the reference's {@code get_cam_image}.
     *
     * @param perChannel weighted activations, N x C x h x w
     * @param eigenSmooth whether to project instead of summing
     * @return N x h x w
     */
    public static Tensor combineChannels(Tensor perChannel, boolean eigenSmooth) {
        return eigenSmooth ? EigenProjection.project(perChannel) : sumChannels(perChannel);
    }

    /**
     * softmax over all values of {@code logits} (shifted by the max), in double.
     *
     * @param logits any tensor
     * @return the probabilities, in the values' order
     */
    public static double[] softmax(Tensor logits) {
        float max = logits.max();
        double[] p = new double[logits.size()];
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp((double) logits.at(j) - max);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /**
     * softmax of each row of an N x K tensor, as floats.
     *
     * @param logits N x K
     * @return N x K probabilities
     */
    public static Tensor softmaxRows(Tensor logits) {
        Tensor out = Tensor.zeros(logits.shape());
        for (int i = 0; i < logits.dim(0); i++) {
            double[] p = softmax(logits.slice(i));
            for (int j = 0; j < p.length; j++) {
                out.slice(i).put(j, (float) p[j]);
            }
        }
        return out;
    }

    /**
     * Spatial mean per image and channel: N x C x h x w to N x C.
     *
     * @param x N x C x h x w
     * @return N x C
     */
    public static Tensor spatialMean(Tensor x) {
        int n = x.dim(0);
        int c = x.dim(1);
        int hw = x.size() / (n * c);
        Tensor out = Tensor.zeros(n, c);
        for (int i = 0; i < n * c; i++) {
            double s = 0;
            for (int p = 0; p < hw; p++) {
                s += x.at(i * hw + p);
            }
            out.put(i, (float) (s / hw));
        }
        return out;
    }
}
