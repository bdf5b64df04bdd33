package org.cam4j.image;

import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code show_cam_on_image(img, mask, use_rgb=True, colormap=JET, image_weight)}:
 * heat = JET(uint8(255 * mask)) / 255; out = (1 - image_weight) * heat + image_weight * img; out / max(out);
 * uint8(255 * out). {@link #onPhoto} shows a CAM computed at the model's input size on the photo it came from.
 */
public final class Overlay {
    private static final int[][] JET = jetTable();

    private Overlay() {
    }

    /**
     * @param rgb H x W x 3 image in [0, 1]
     * @param mask H x W CAM in [0, 1]
     * @param imageWeight the photo's weight, in [0, 1] (the map's is 1 minus it)
     * @return H x W x 3 values 0..255 (whole numbers)
     */
    public static Tensor showCamOnImage(Tensor rgb, Tensor mask, float imageWeight) {
        if (imageWeight < 0 || imageWeight > 1) {
            throw new IllegalArgumentException("image_weight must be in [0, 1], got " + imageWeight);
        }
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        mask.requireShape(h, w);
        float[] heat = new float[256 * 3];
        for (int level = 0; level < 256; level++) {
            for (int c = 0; c < 3; c++) {
                heat[level * 3 + c] = (1f - imageWeight) * (JET[level][c] / 255f);
            }
        }
        // one pass over the photo: blend, track the maximum, refuse values above 1 (a photo not scaled to [0, 1])
        float[] out = new float[h * w * 3];
        float max = 0f;
        float brightest = 0f;
        for (int p = 0; p < h * w; p++) {
            int level = Math.max(0, Math.min(255, (int) (255f * mask.at(p))));
            for (int c = 0; c < 3; c++) {
                float pixel = rgb.at(p * 3 + c);
                if (pixel > brightest) {
                    brightest = pixel;
                }
                float v = heat[level * 3 + c] + imageWeight * pixel;
                out[p * 3 + c] = v;
                if (v > max) {
                    max = v;
                }
            }
        }
        if (brightest > 1f) {
            throw new IllegalArgumentException("the image must be float in [0, 1]");
        }
        // (int) (255 * (v / max)) in two loops: the first, without the conversion, compiles to vector instructions
        for (int i = 0; i < out.length; i++) {
            out[i] = 255f * (out[i] / max);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) out[i];
        }
        return Tensor.of(out, h, w, 3);
    }

    /**
     * A CAM computed at the model's input size, shown on the photo it came from ({@link #showCamOnImage}): at the
     * photo's own resolution (the map resized bilinearly and clipped to [0, 1]) when the preprocessing only resizes,
     * and on the cropped picture the model saw when it crops, since the map says nothing about the parts cut away.
     *
     * @param photo the image as read, before preprocessing
     * @param cam   its CAM, {@code pre.outputHeight() x pre.outputWidth()}, in [0, 1]
     * @param pre   how the photo became the model's input
     * @param imageWeight the photo's weight, in [0, 1]
     * @return H x W x 3 values 0..255
     */
    public static Tensor onPhoto(RgbImage photo, Tensor cam, Preprocessing pre, float imageWeight) {
        if (pre.cropHeight() > 0) {
            return showCamOnImage(pre.geometry(photo).pixels(), cam, imageWeight);
        }
        Tensor mask = pre.geometryOf(photo).mapToPhoto(cam);
        return showCamOnImage(photo.pixels(), mask, imageWeight);
    }

    /**
     * OpenCV's COLORMAP_JET as RGB, 256 entries.
     *
     * @return 256 RGB triples, 0..255
     */
    public static int[][] jet() {
        int[][] copy = new int[256][];
        for (int i = 0; i < 256; i++) {
            copy[i] = JET[i].clone();
        }
        return copy;
    }

    /**
     * OpenCV's JET table is three ramps of slope 4 per entry, clipped to 0..255: blue rises from 128 at entry 0
     * and is gone by entry 160; green rises from entry 32 and is gone by entry 224; red rises from entry 96 and
     * falls to 128 at entry 255. Entry 159's blue is 1 in OpenCV's table where the ramp gives 2 (a float rounding
     * in its interpolation); we keep OpenCV's value.
     */
    private static int[][] jetTable() {
        int[][] t = new int[256][3];
        for (int i = 0; i < 256; i++) {
            t[i][0] = clip(Math.min(4 * i - 382, 1148 - 4 * i));
            t[i][1] = clip(Math.min(4 * i - 128, 892 - 4 * i));
            t[i][2] = clip(Math.min(128 + 4 * i, 638 - 4 * i));
        }
        t[159][2] = 1;
        return t;
    }

    private static int clip(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
