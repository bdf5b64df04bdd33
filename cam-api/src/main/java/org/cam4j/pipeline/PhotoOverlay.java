package org.cam4j.pipeline;

import org.cam4j.image.Overlay;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;

/**
 * A CAM computed at the model's input size, shown on the photo it came from ({@link Overlay#showCamOnImage}): at
 * the photo's own resolution (the map resized bilinearly and clipped to [0, 1]) when the preprocessing only resizes,
 * and on the cropped picture the model saw when it crops, since the map says nothing about the parts cut away.
 */
public final class PhotoOverlay {
    private PhotoOverlay() {
    }

    /**
     * @param photo the image as read, before preprocessing
     * @param cam   its CAM, {@code pre.outputHeight() x pre.outputWidth()}, in [0, 1]
     * @return H x W x 3 values 0..255
     */
    public static Tensor show(RgbImage photo, Tensor cam, Preprocessing pre, float imageWeight) {
        if (pre.cropHeight() > 0) {
            return Overlay.showCamOnImage(pre.geometry(photo).pixels(), cam, imageWeight);
        }
        Tensor mask = pre.geometryOf(photo).mapToPhoto(cam);
        return Overlay.showCamOnImage(photo.pixels(), mask, imageWeight);
    }
}
