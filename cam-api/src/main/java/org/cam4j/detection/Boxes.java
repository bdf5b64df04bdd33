package org.cam4j.detection;

/** Intersection over union of corner boxes (x1, y1, x2, y2), and its gradient, as torchvision's {@code box_iou}. */
public final class Boxes {
    private Boxes() {
    }

    /**
     * Area (x2 - x1)(y2 - y1), unclamped as torchvision's {@code box_area}.
     *
     * @param b x1, y1, x2, y2
     * @return its area (negative for an inverted box)
     */
    public static double area(double[] b) {
        return (b[2] - b[0]) * (b[3] - b[1]);
    }

    /**
     * Intersection over union of two corner boxes, 0 when they do not overlap (or have no area).
     *
     * @param a x1, y1, x2, y2
     * @param b x1, y1, x2, y2
     * @return the IoU, in [0, 1]
     */
    public static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = area(a) + area(b) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /**
     * d IoU(a, b) / d a: with inter = w h and union = |a| + |b| - inter,
     * dIoU = (d inter * union - inter * (d|a| - d inter)) / union^2 (zero where the boxes do not overlap).
     *
     * @param a the box the gradient is taken at
     * @param b the other box
     * @return d IoU / d (a's x1, y1, x2, y2)
     */
    public static double[] iouGradient(double[] a, double[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        double[] g = new double[4];
        if (w <= 0 || h <= 0) {
            return g;
        }
        double inter = w * h;
        double union = area(a) + area(b) - inter;
        // d w / d a: +1 at x2 when a's right edge is the inner one, -1 at x1 when a's left edge is; on ties the
        // gradient splits evenly between the boxes, as torch's maximum/minimum do (so IoU(a, a) has gradient 0)
        double[] dInter = {
            -h * inner(a[0], b[0]), -w * inner(a[1], b[1]), h * inner(b[2], a[2]), w * inner(b[3], a[3])};
        double[] dArea = {-(a[3] - a[1]), -(a[2] - a[0]), a[3] - a[1], a[2] - a[0]};
        for (int i = 0; i < 4; i++) {
            g[i] = (dInter[i] * union - inter * (dArea[i] - dInter[i])) / (union * union);
        }
        return g;
    }

    /**
     * 1 when the first edge is the inner (larger) one, 1/2 on a tie, else 0. Edges within {@value #TIE} of each
     * other (relative) are a tie: a reference box copied from a detection, the reference library's own targets,
     * differs from the same detection in another runtime by float32 noise, and must keep the reference's gradient.
     */
    private static double inner(double edge, double other) {
        if (Math.abs(edge - other) <= TIE * Math.max(1, Math.max(Math.abs(edge), Math.abs(other)))) {
            return 0.5;
        }
        return edge > other ? 1 : 0;
    }

    /** Relative distance under which two box edges count as the same edge. */
    static final double TIE = 1e-5;
}
