package org.cam4j.image;

import org.cam4j.tensor.Tensor;

/**
 * Bilinear resizing of float maps exactly as OpenCV's {@code cv2.resize(..., INTER_LINEAR)}: half-pixel centres
 * ({@code src = (dst + 0.5) * in/out - 0.5}), coordinates clamped to the edge, horizontal then vertical
 * interpolation in float.
 */
public final class BilinearResize {
    private BilinearResize() {
    }

    /**
     * Resizes one h x w map to height x width.
     *
     * @param map an h x w map
     * @param height the new height
     * @param width the new width
     * @return the height x width map
     */
    public static Tensor resize(Tensor map, int height, int width) {
        int h = map.dim(0);
        int w = map.dim(1);
        if (h == height && w == width) {
            return map.copy();
        }
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] ax = new float[width];
        taps(w, width, x0, x1, ax);
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        float[] ay = new float[height];
        taps(h, height, y0, y1, ay);
        float[] rows = new float[h * width];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < width; x++) {
                float a = map.at(y * w + x0[x]);
                float b = map.at(y * w + x1[x]);
                rows[y * width + x] = a * (1f - ax[x]) + b * ax[x];
            }
        }
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            float wy = ay[y];
            for (int x = 0; x < width; x++) {
                out[y * width + x] = rows[y0[y] * width + x] * (1f - wy) + rows[y1[y] * width + x] * wy;
            }
        }
        return Tensor.of(out, height, width);
    }

    /**
     * Bilinear resizing with aligned corners ({@code src = dst * (in - 1) / (out - 1)}), as torch's
     * {@code UpsamplingBilinear2d}.
     *
     * @param map an h x w map
     * @param height the new height
     * @param width the new width
     * @return the height x width map
     */
    public static Tensor resizeAlignCorners(Tensor map, int height, int width) {
        int h = map.dim(0);
        int w = map.dim(1);
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            float sy = height > 1 ? (float) y * (h - 1) / (height - 1) : 0f;
            int y0 = Math.min((int) Math.floor(sy), h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = sy - y0;
            for (int x = 0; x < width; x++) {
                float sx = width > 1 ? (float) x * (w - 1) / (width - 1) : 0f;
                int x0 = Math.min((int) Math.floor(sx), w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                float fx = sx - x0;
                float top = map.at(y0 * w + x0) * (1 - fx) + map.at(y0 * w + x1) * fx;
                float bottom = map.at(y1 * w + x0) * (1 - fx) + map.at(y1 * w + x1) * fx;
                out[y * width + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return Tensor.of(out, height, width);
    }

    private static void taps(int in, int out, int[] i0, int[] i1, float[] alpha) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (s < 0) {
                s = 0;
                f = 0;
            }
            if (s >= in - 1) {
                s = in - 1;
                f = 0;
            }
            i0[d] = s;
            i1[d] = Math.min(s + 1, in - 1);
            alpha[d] = f;
        }
    }
}
