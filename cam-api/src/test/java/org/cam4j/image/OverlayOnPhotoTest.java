package org.cam4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A model-size CAM shown on the photo: at the photo's resolution, or on the crop the model saw. */
class OverlayOnPhotoTest {
    private static final float[] MEAN = {0f, 0f, 0f};
    private static final float[] STD = {1f, 1f, 1f};

    /** A black photo, so the overlay is the heat alone: red where the map is 1, blue where it is 0. */
    private static RgbImage black(int height, int width) {
        return new RgbImage(Tensor.zeros(height, width, 3));
    }

    /** A map hot on its left half, cold on its right half. */
    private static Tensor leftHot(int size) {
        Tensor cam = Tensor.zeros(size, size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size / 2; x++) {
                cam.put(y * size + x, 1f);
            }
        }
        return cam;
    }

    @Test
    void withoutCropTheOverlayHasThePhotosSizeAndTheMapStretchedOverIt() {
        Preprocessing pre = new Preprocessing(32, 32, 0, 0, 1f, MEAN, STD, Layout.NCHW);
        Tensor out = Overlay.onPhoto(black(60, 200), leftHot(32), pre, 0.5f);
        assertThat(out.shape()).containsExactly(60, 200, 3);
        // JET(255) is dark red, JET(0) dark blue (128 of 255, as the interpolated band holds brighter colours):
        // far left is red, far right is blue, at any row
        for (int y : new int[] {0, 30, 59}) {
            assertThat(out.get(y, 0, 0)).isGreaterThan(100f);
            assertThat(out.get(y, 0, 2)).isZero();
            assertThat(out.get(y, 199, 0)).isZero();
            assertThat(out.get(y, 199, 2)).isGreaterThan(100f);
        }
        // the hot half covers the photo's left half: the switch is at x = 100 (+- one pixel of interpolation)
        assertThat(out.get(30, 96, 0)).isGreaterThan(out.get(30, 96, 2));
        assertThat(out.get(30, 104, 2)).isGreaterThan(out.get(30, 104, 0));
    }

    @Test
    void withCropTheOverlayIsOnTheCroppedPictureTheModelSaw() {
        Preprocessing pre = new Preprocessing(40, 40, 32, 32, 1f, MEAN, STD, Layout.NCHW);
        Tensor out = Overlay.onPhoto(black(60, 200), leftHot(32), pre, 0.5f);
        assertThat(out.shape()).containsExactly(32, 32, 3);
        assertThat(out.get(16, 0, 0)).isGreaterThan(100f);
        assertThat(out.get(16, 31, 2)).isGreaterThan(100f);
    }

    @Test
    void mapValuesOutsideZeroToOneAfterResizingAreClipped() {
        Preprocessing pre = new Preprocessing(4, 4, 0, 0, 1f, MEAN, STD, Layout.NCHW);
        Tensor cam = Tensor.zeros(4, 4);
        cam.put(0, 1f);
        Tensor out = Overlay.onPhoto(black(9, 9), cam, pre, 0.5f);
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.at(i)).isBetween(0f, 255f);
        }
    }
}
