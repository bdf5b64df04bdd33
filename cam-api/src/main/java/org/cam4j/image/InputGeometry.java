package org.cam4j.image;

import org.cam4j.tensor.Tensor;

/**
 * How a photo became the model's input, so maps and boxes go back onto it (classifiers and detectors alike): a
 * plain resize (each axis scaled on its own) or a
 * letterbox (one scale keeping the aspect ratio, the rest padded evenly with grey 114, as YOLO exports expect).
 * Input x = photo x * scaleX + padX (and the same for y).
 */
public record InputGeometry(int photoWidth, int photoHeight, int inputWidth, int inputHeight, double scaleX,
                            double scaleY, double padX, double padY, boolean letterbox) {
    /** Grey of letterbox padding, in [0, 1]. */
    private static final float PAD = 114f / 255f;

    /**
     * A photo stretched to the input size.
     *
     * @param photoWidth the photo's width
     * @param photoHeight the photo's height
     * @param inputWidth the model input's width
     * @param inputHeight the model input's height
     * @return the geometry
     */
    public static InputGeometry resize(int photoWidth, int photoHeight, int inputWidth, int inputHeight) {
        return new InputGeometry(photoWidth, photoHeight, inputWidth, inputHeight, inputWidth / (double) photoWidth,
                inputHeight / (double) photoHeight, 0, 0, false);
    }

    /**
     * A photo scaled to fit the input size with its aspect ratio kept, centred and padded with grey.
     *
     * @param photoWidth the photo's width
     * @param photoHeight the photo's height
     * @param inputWidth the model input's width
     * @param inputHeight the model input's height
     * @return the geometry
     */
    public static InputGeometry letterbox(int photoWidth, int photoHeight, int inputWidth, int inputHeight) {
        double s = Math.min(inputWidth / (double) photoWidth, inputHeight / (double) photoHeight);
        double padX = (inputWidth - Math.round(photoWidth * s)) / 2.0;
        double padY = (inputHeight - Math.round(photoHeight * s)) / 2.0;
        return new InputGeometry(photoWidth, photoHeight, inputWidth, inputHeight, s, s, Math.floor(padX),
                Math.floor(padY), true);
    }

    /**
     * The photo scaled and padded to the input size (letterbox), in [0, 1]; a plain resize returns it as is.
     *
     * @param photo the photo
     * @return the photo as the model's input size shows it
     */
    public RgbImage letterboxed(RgbImage photo) {
        if (!letterbox) {
            return photo;
        }
        int w = (int) Math.round(photoWidth * scaleX);
        int h = (int) Math.round(photoHeight * scaleY);
        Tensor small = photo.resize(h, w).pixels();
        Tensor canvas = Tensor.zeros(inputHeight, inputWidth, 3);
        for (int i = 0; i < canvas.size(); i++) {
            canvas.put(i, PAD);
        }
        int x0 = (int) padX;
        int y0 = (int) padY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    canvas.put(((y + y0) * inputWidth + x + x0) * 3 + c, small.at((y * w + x) * 3 + c));
                }
            }
        }
        return new RgbImage(canvas);
    }

    /**
     * Corners in input pixels to photo pixels, clipped to the photo.
     *
     * @param box x1, y1, x2, y2 in input pixels
     * @return the same corners in photo pixels
     */
    public double[] toPhoto(double[] box) {
        return new double[] {
            clip((box[0] - padX) / scaleX, photoWidth), clip((box[1] - padY) / scaleY, photoHeight),
            clip((box[2] - padX) / scaleX, photoWidth), clip((box[3] - padY) / scaleY, photoHeight)};
    }

    /**
     * Corners in photo pixels to input pixels.
     *
     * @param box x1, y1, x2, y2 in photo pixels
     * @return the same corners in input pixels
     */
    public double[] toInput(double[] box) {
        return new double[] {box[0] * scaleX + padX, box[1] * scaleY + padY, box[2] * scaleX + padX,
            box[3] * scaleY + padY};
    }

    /**
     * A map over the model input (input height x width) brought onto the photo: the padding cut off, then
     * bilinear resizing to the photo's size; values clipped to [0, 1] as overlays expect.
     *
     * @param map a map over the model input, H x W
     * @return the map over the photo, photo height x width
     */
    public Tensor mapToPhoto(Tensor map) {
        Tensor inside = map;
        if (letterbox) {
            int x0 = (int) padX;
            int y0 = (int) padY;
            int w = (int) Math.round(photoWidth * scaleX);
            int h = (int) Math.round(photoHeight * scaleY);
            inside = Tensor.zeros(h, w);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    inside.put(y * w + x, map.at((y + y0) * inputWidth + x + x0));
                }
            }
        }
        Tensor out = BilinearResize.resize(inside, photoHeight, photoWidth);
        for (int i = 0; i < out.size(); i++) {
            out.put(i, Math.max(0f, Math.min(1f, out.at(i))));
        }
        return out;
    }

    private static double clip(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
