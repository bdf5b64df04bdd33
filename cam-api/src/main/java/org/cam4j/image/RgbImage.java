package org.cam4j.image;

import org.cam4j.tensor.Tensor;

/** An RGB image as floats in [0, 1], height x width x 3, row-major. */
public record RgbImage(Tensor pixels) {
    /** Refuses pixels that are not H x W x 3. */
    public RgbImage {
        if (pixels.rank() != 3 || pixels.dim(2) != 3) {
            throw new IllegalArgumentException("expected an H x W x 3 RGB image, got "
                    + java.util.Arrays.toString(pixels.shape()));
        }
    }

    /**
     * Height in pixels.
     *
     * @return the height
     */
    public int height() {
        return pixels.dim(0);
    }

    /**
     * Width in pixels.
     *
     * @return the width
     */
    public int width() {
        return pixels.dim(1);
    }

    /**
     * Resize to height x width, re-quantised to 8 bits: bilinear (OpenCV INTER_LINEAR) when enlarging, an
     * antialiased bilinear (a tent filter as wide as the scale, as Pillow's BILINEAR) when shrinking both sides,
     * so a photo shrunk to a small model's input keeps its content instead of aliasing.
     *
     * @param height the new height
     * @param width the new width
     * @return the resized image
     */
    public RgbImage resize(int height, int width) {
        if (height == height() && width == width()) {
            return this;
        }
        boolean shrink = height < height() && width < width();
        if (shrink) {
            // read in place: a copy of a 1280 x 720 photo's pixels was 11 MB per photo
            float[] rows = tentAlongRows(pixels, height(), width(), width);
            float[] out = tentAlongColumns(rows, height(), width, height);
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.round(out[i] * 255f) / 255f;
            }
            return new RgbImage(Tensor.of(out, height, width, 3));
        }
        Tensor planes = pixels.transpose(2, 0, 1);
        Tensor out = Tensor.zeros(3, height, width);
        for (int c = 0; c < 3; c++) {
            Tensor r = org.cam4j.image.BilinearResize.resize(planes.slice(c), height, width);
            for (int i = 0; i < r.size(); i++) {
                r.put(i, Math.round(r.at(i) * 255f) / 255f);
            }
            out.slice(c).copyFrom(r);
        }
        return new RgbImage(out.transpose(1, 2, 0));
    }

    /**
     * The taps of a tent filter as wide as the scale, resampling {@code in} samples to {@code out}: for output j,
     * the first input index {@code from[j]} and the normalised weights {@code weights[j]}.
     */
    private record Taps(int[] from, double[][] weights) {
        static Taps of(int in, int out) {
            double scale = Math.max(1.0, (double) in / out);
            int[] from = new int[out];
            double[][] weights = new double[out][];
            for (int x = 0; x < out; x++) {
                double centre = (x + 0.5) * in / out;
                int lo = Math.max(0, (int) Math.floor(centre - scale));
                int hi = Math.min(in, (int) Math.ceil(centre + scale));
                double[] w = new double[hi - lo];
                for (int i = lo; i < hi; i++) {
                    w[i - lo] = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / scale);
                }
                from[x] = lo;
                weights[x] = w;
            }
            return new Taps(from, weights);
        }

        double total(int x) {
            double t = 0;
            for (double v : weights[x]) {
                t += v;
            }
            return t;
        }
    }

    /** Separable tent (triangle) filter along the width of an h x w x 3 image: h x out x 3. */
    private static float[] tentAlongRows(Tensor px, int h, int w, int out) {
        Taps taps = Taps.of(w, out);
        float[] result = new float[h * out * 3];
        double[] totals = new double[out];
        for (int x = 0; x < out; x++) {
            totals[x] = taps.total(x);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < out; x++) {
                double[] wt = taps.weights()[x];
                int base = (y * w + taps.from()[x]) * 3;
                double r = 0;
                double g = 0;
                double b = 0;
                for (int i = 0; i < wt.length; i++) {
                    int k = base + i * 3;
                    r += wt[i] * px.at(k);
                    g += wt[i] * px.at(k + 1);
                    b += wt[i] * px.at(k + 2);
                }
                int o = (y * out + x) * 3;
                result[o] = (float) (r / totals[x]);
                result[o + 1] = (float) (g / totals[x]);
                result[o + 2] = (float) (b / totals[x]);
            }
        }
        return result;
    }

    /** The same filter along the height of an h x w x 3 image: out x w x 3. */
    private static float[] tentAlongColumns(float[] px, int h, int w, int out) {
        Taps taps = Taps.of(h, out);
        float[] result = new float[out * w * 3];
        double[] acc = new double[w * 3];
        for (int y = 0; y < out; y++) {
            double[] wt = taps.weights()[y];
            int from = taps.from()[y];
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < wt.length; i++) {
                int row = (from + i) * w * 3;
                for (int k = 0; k < w * 3; k++) {
                    acc[k] += wt[i] * px[row + k];
                }
            }
            double total = taps.total(y);
            for (int k = 0; k < w * 3; k++) {
                result[y * w * 3 + k] = (float) (acc[k] / total);
            }
        }
        return result;
    }

    /**
     * The centred height x width crop.
     *
     * @param height the crop's height
     * @param width the crop's width
     * @return the crop
     */
    public RgbImage centerCrop(int height, int width) {
        if (height > height() || width > width()) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " is larger than the image "
                    + height() + "x" + width());
        }
        int top = (height() - height) / 2;
        int left = (width() - width) / 2;
        Tensor out = Tensor.zeros(height, width, 3);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    out.set(pixels.get(top + y, left + x, c), y, x, c);
                }
            }
        }
        return new RgbImage(out);
    }
}
