package org.cam4j.image;

import org.cam4j.tensor.Tensor;

/** An RGB image as floats in [0, 1], height x width x 3, row-major. */
public record RgbImage(Tensor pixels) {
    public RgbImage {
        if (pixels.rank() != 3 || pixels.dim(2) != 3) {
            throw new IllegalArgumentException("expected an H x W x 3 RGB image, got "
                    + java.util.Arrays.toString(pixels.shape()));
        }
    }

    public int height() {
        return pixels.dim(0);
    }

    public int width() {
        return pixels.dim(1);
    }

    /**
     * Resize to height x width, re-quantised to 8 bits: bilinear (OpenCV INTER_LINEAR) when enlarging, an
     * antialiased bilinear (a tent filter as wide as the scale, as Pillow's BILINEAR) when shrinking both sides,
     * so a photo shrunk to a small model's input keeps its content instead of aliasing.
     */
    public RgbImage resize(int height, int width) {
        if (height == height() && width == width()) {
            return this;
        }
        boolean shrink = height < height() && width < width();
        Tensor planes = pixels.transpose(2, 0, 1);
        Tensor out = Tensor.zeros(3, height, width);
        for (int c = 0; c < 3; c++) {
            Tensor r = shrink ? triangleResize(planes.slice(c), height, width)
                    : org.cam4j.pipeline.BilinearResize.resize(planes.slice(c), height, width);
            for (int i = 0; i < r.size(); i++) {
                r.put(i, Math.round(r.at(i) * 255f) / 255f);
            }
            out.slice(c).copyFrom(r);
        }
        return new RgbImage(out.transpose(1, 2, 0));
    }

    /** Separable triangle (tent) filter as wide as the scale on each side: antialiased bilinear shrinking. */
    static Tensor triangleResize(Tensor map, int height, int width) {
        return tentAlong(tentAlong(map, width).transpose(1, 0), height).transpose(1, 0);
    }

    /** Resamples the last axis of an h x w map to {@code out} columns with a tent filter. */
    private static Tensor tentAlong(Tensor map, int out) {
        int h = map.dim(0);
        int w = map.dim(1);
        double scale = Math.max(1.0, (double) w / out);
        Tensor result = Tensor.zeros(h, out);
        for (int x = 0; x < out; x++) {
            double centre = (x + 0.5) * w / out;
            int from = Math.max(0, (int) Math.floor(centre - scale));
            int to = Math.min(w, (int) Math.ceil(centre + scale));
            double[] weights = new double[to - from];
            double total = 0;
            for (int i = from; i < to; i++) {
                weights[i - from] = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / scale);
                total += weights[i - from];
            }
            for (int y = 0; y < h; y++) {
                double v = 0;
                for (int i = from; i < to; i++) {
                    v += weights[i - from] * map.at(y * w + i);
                }
                result.put(y * out + x, (float) (v / total));
            }
        }
        return result;
    }

    /** The centred height x width crop. */
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
