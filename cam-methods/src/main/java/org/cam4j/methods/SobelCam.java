package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.tensor.Layout;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * The reference's Sobel baseline ({@code sobel_cam}): the image's edges, no model involved, to check that a metric
 * or a sanity test can tell an explanation from an edge detector. gray = luma of the image; gx, gy = 3 x 3 Sobel
 * derivatives (borders reflected, as OpenCV's BORDER_REFLECT_101); map = 0.5 |gx| + 0.5 |gy|.
 *
 * <p>{@link #sobel(Tensor)} reproduces OpenCV's 8-bit pipeline on an 8-bit RGB image exactly (cvtColor, Sobel,
 * convertScaleAbs, addWeighted, each rounding to 8 bits). As a method, the map is computed on the model input as
 * given (normalised values, channels mixed by luma weights), ignoring the layer.
 */
@AutoService(CamMethod.class)
public final class SobelCam implements CamMethod {
    @Override
    public String name() {
        return "SobelCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("sobel");
    }

    @Override
    public String description() {
        return "edges of the image (a model-free baseline)";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        Tensor x = context.input();
        boolean nhwc = context.model().input().layout() == Layout.NHWC;
        int n = x.dim(0);
        int c = x.dim(nhwc ? 3 : 1);
        int h = x.dim(nhwc ? 1 : 2);
        int w = x.dim(nhwc ? 2 : 3);
        Tensor out = Tensor.zeros(n, h, w);
        for (int i = 0; i < n; i++) {
            double[] gray = new double[h * w];
            for (int p = 0; p < h * w; p++) {
                for (int ch = 0; ch < c; ch++) {
                    double weight = c == 3 ? LUMA[ch] : 1.0 / c;
                    gray[p] += weight * x.at(nhwc ? (i * h * w + p) * c + ch : (i * c + ch) * h * w + p);
                }
            }
            double[] edges = edges(gray, h, w, false);
            for (int p = 0; p < h * w; p++) {
                out.put(i * h * w + p, (float) edges[p]);
            }
        }
        return out;
    }

    private static final double[] LUMA = {0.299, 0.587, 0.114};

    /** OpenCV's {@code sobel_cam} on an H x W x 3 RGB image of 0..255 values: H x W values 0..255. */
    public static Tensor sobel(Tensor rgb255) {
        int h = rgb255.dim(0);
        int w = rgb255.dim(1);
        double[] gray = new double[h * w];
        for (int p = 0; p < h * w; p++) {
            // cv2.COLOR_RGB2GRAY in 8 bits: fixed-point luma with 14 fractional bits, rounded
            int r = (int) rgb255.at(p * 3);
            int g = (int) rgb255.at(p * 3 + 1);
            int b = (int) rgb255.at(p * 3 + 2);
            gray[p] = (r * 4899 + g * 9617 + b * 1868 + (1 << 13)) >> 14;
        }
        double[] edges = edges(gray, h, w, true);
        Tensor out = Tensor.zeros(h, w);
        for (int p = 0; p < h * w; p++) {
            out.put(p, (float) edges[p]);
        }
        return out;
    }

    /** 0.5 |gx| + 0.5 |gy| with reflected borders; {@code eightBit} rounds and saturates as OpenCV's uint8 steps. */
    private static double[] edges(double[] gray, int h, int w, boolean eightBit) {
        double[] out = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double gx = at(gray, h, w, y - 1, x + 1) + 2 * at(gray, h, w, y, x + 1) + at(gray, h, w, y + 1, x + 1)
                        - at(gray, h, w, y - 1, x - 1) - 2 * at(gray, h, w, y, x - 1) - at(gray, h, w, y + 1, x - 1);
                double gy = at(gray, h, w, y + 1, x - 1) + 2 * at(gray, h, w, y + 1, x) + at(gray, h, w, y + 1, x + 1)
                        - at(gray, h, w, y - 1, x - 1) - 2 * at(gray, h, w, y - 1, x) - at(gray, h, w, y - 1, x + 1);
                if (eightBit) {
                    double ax = Math.min(255, Math.rint(Math.abs(gx)));
                    double ay = Math.min(255, Math.rint(Math.abs(gy)));
                    out[y * w + x] = Math.min(255, Math.rint(0.5 * ax + 0.5 * ay));
                } else {
                    out[y * w + x] = 0.5 * Math.abs(gx) + 0.5 * Math.abs(gy);
                }
            }
        }
        return out;
    }

    /** BORDER_REFLECT_101: -1 -> 1, n -> n - 2. */
    private static double at(double[] g, int h, int w, int y, int x) {
        int yy = y < 0 ? -y : y >= h ? 2 * h - 2 - y : y;
        int xx = x < 0 ? -x : x >= w ? 2 * w - 2 - x : x;
        return g[yy * w + xx];
    }
}
