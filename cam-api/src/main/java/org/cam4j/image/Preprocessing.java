package org.cam4j.image;

import java.util.List;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * Turns RGB images into a model's input batch: resize to {@code size} (height x width), optional centre
 * crop, multiply by {@code scale} (1 for [0, 1] input, 255 for raw pixel values), then (x - mean) / std per
 * channel, in NCHW or NHWC. One mean and std value make a one-channel (grayscale) input: luma
 * 0.299 R + 0.587 G + 0.114 B, as OpenCV and Pillow convert.
 */
public record Preprocessing(int height, int width, int cropHeight, int cropWidth, float scale, float[] mean,
                            float[] std, Layout layout) {
    /**
     * torchvision's ImageNet normalisation at 224 x 224, NCHW.
     *
     * @return the preprocessing
     */
    public static Preprocessing imagenet() {
        return new Preprocessing(224, 224, 0, 0, 1f, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, Layout.NCHW);
    }

    /** Refuses mean and std of other than 3 (or 1) values, and a std of 0. */
    public Preprocessing {
        if (mean.length != std.length || (mean.length != 3 && mean.length != 1)) {
            throw new InvalidInputException("mean and std need 3 values (R, G, B), or 1 for a grayscale model; got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (s == 0f) {
                throw new InvalidInputException("std values must not be 0");
            }
        }
    }

    /**
     * Height of the model input this produces: the crop's, else the resize's.
     *
     * @return the height in pixels
     */
    public int outputHeight() {
        return cropHeight > 0 ? cropHeight : height;
    }

    /**
     * Width of the model input this produces: the crop's, else the resize's.
     *
     * @return the width in pixels
     */
    public int outputWidth() {
        return cropWidth > 0 ? cropWidth : width;
    }

    /**
     * The image as the model sees it before normalisation (resized and cropped), in [0, 1].
     *
     * @param image the photo
     * @return the resized (and cropped) photo
     */
    public RgbImage geometry(RgbImage image) {
        RgbImage r = image.resize(height, width);
        return cropHeight > 0 ? r.centerCrop(cropHeight, cropWidth) : r;
    }

    /**
     * How a photo becomes the model input without a crop (each axis resized on its own), and how maps and boxes go
     * back: the same {@link InputGeometry} detectors use.
     *
     * @param photo the photo
     * @return the mapping between its pixels and the input's
     */
    public InputGeometry geometryOf(RgbImage photo) {
        return InputGeometry.resize(photo.width(), photo.height(), outputWidth(), outputHeight());
    }

    /**
     * Input channels: 3 (RGB) or 1 (grayscale).
     *
     * @return 3 or 1
     */
    public int channels() {
        return mean.length;
    }

    /**
     * The model input for a list of images, N x C x H x W (or N x H x W x C).
     *
     * @param images the photos
     * @return the batch, one row per photo
     */
    public Tensor batch(List<RgbImage> images) {
        return Tensor.stack(images.stream().map(this::tensor).toList());
    }

    /**
     * One image as one row of the model input (C x H x W or H x W x C): geometry, scale, mean and std.
     *
     * @param image the photo
     * @return its row of the model input
     */
    public Tensor tensor(RgbImage image) {
        int h = outputHeight();
        int w = outputWidth();
        int channels = channels();
        Tensor px = geometry(image).pixels();
        Tensor dst = layout == Layout.NHWC ? Tensor.zeros(h, w, channels) : Tensor.zeros(channels, h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                for (int c = 0; c < channels; c++) {
                    float value = channels == 3 ? px.at(p + c)
                            : 0.299f * px.at(p) + 0.587f * px.at(p + 1) + 0.114f * px.at(p + 2);
                    float v = (value * scale - mean[c]) / std[c];
                    dst.put(layout == Layout.NHWC ? (y * w + x) * channels + c : (c * h + y) * w + x, v);
                }
            }
        }
        return dst;
    }
}
