package org.cam4j.detection;

import java.util.List;
import org.cam4j.tensor.Tensor;

/**
 * The reference's {@code renormalize_cam_in_bounding_boxes} (its detection tutorial): inside each box the CAM is
 * min-max scaled on its own, outside every box it is zero; overlapping boxes keep the larger value; the result is
 * scaled to [0, 1] once more. Scaling is x - min, then / (1e-7 + max), as {@code scale_cam_image}.
 */
public final class BoxRenormalization {
    private BoxRenormalization() {
    }

    /**
     * @param cam one H x W map
     * @param boxes corners in the map's pixels (clipped to it; x2 and y2 exclusive after rounding down)
     */
    public static Tensor apply(Tensor cam, List<double[]> boxes) {
        int h = cam.dim(0);
        int w = cam.dim(1);
        Tensor out = Tensor.zeros(h, w);
        for (double[] b : boxes) {
            int x1 = clamp(b[0], w);
            int y1 = clamp(b[1], h);
            int x2 = clamp(b[2], w);
            int y2 = clamp(b[3], h);
            if (x2 <= x1 || y2 <= y1) {
                continue;
            }
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int y = y1; y < y2; y++) {
                for (int x = x1; x < x2; x++) {
                    min = Math.min(min, cam.at(y * w + x));
                }
            }
            for (int y = y1; y < y2; y++) {
                for (int x = x1; x < x2; x++) {
                    max = Math.max(max, cam.at(y * w + x) - min);
                }
            }
            for (int y = y1; y < y2; y++) {
                for (int x = x1; x < x2; x++) {
                    int i = y * w + x;
                    out.put(i, Math.max(out.at(i), (cam.at(i) - min) / (1e-7f + max)));
                }
            }
        }
        float min = out.min();
        float max = out.max() - min;
        for (int i = 0; i < out.size(); i++) {
            out.put(i, (out.at(i) - min) / (1e-7f + max));
        }
        return out;
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, Math.floor(v)));
    }
}
