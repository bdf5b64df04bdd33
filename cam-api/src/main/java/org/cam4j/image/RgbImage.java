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

    /** Bilinear resize (OpenCV INTER_LINEAR, per channel) to height x width, re-quantised to 8 bits. */
    public RgbImage resize(int height, int width) {
        if (height == height() && width == width()) {
            return this;
        }
        Tensor planes = pixels.transpose(2, 0, 1);
        Tensor out = Tensor.zeros(3, height, width);
        for (int c = 0; c < 3; c++) {
            Tensor r = org.cam4j.pipeline.BilinearResize.resize(planes.slice(c), height, width);
            for (int i = 0; i < r.size(); i++) {
                r.put(i, Math.round(r.at(i) * 255f) / 255f);
            }
            out.slice(c).copyFrom(r);
        }
        return new RgbImage(out.transpose(1, 2, 0));
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
