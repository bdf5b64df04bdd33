package org.cam4j.detection;

import org.cam4j.errors.InvalidInputException;

/**
 * How a detector writes a box in its four output values, and the linear map to corners (x1, y1, x2, y2).
 * {@code XYWH} is the top-left corner and size; {@code CXCYWH} the centre and size (YOLO's "xywh").
 */
public enum BoxFormat {
    /** Corners: x1, y1, x2, y2. */
    XYXY,
    /** Top-left corner, width and height. */
    XYWH,
    /** Centre, width and height. */
    CXCYWH;

    /**
     * The corners of a box given as four raw values.
     *
     * @param a the first value
     * @param b the second value
     * @param c the third value
     * @param d the fourth value
     * @return x1, y1, x2, y2
     */
    public double[] toCorners(double a, double b, double c, double d) {
        return switch (this) {
            case XYXY -> new double[] {a, b, c, d};
            case XYWH -> new double[] {a, b, a + c, b + d};
            case CXCYWH -> new double[] {a - c / 2, b - d / 2, a + c / 2, b + d / 2};
        };
    }

    /**
     * The gradient with respect to the four raw values, given the gradient with respect to the corners.
     *
     * @param dCorners d f / d (x1, y1, x2, y2)
     * @return d f / d (the four raw values)
     */
    public double[] cornerGradientToRaw(double[] dCorners) {
        double dx1 = dCorners[0];
        double dy1 = dCorners[1];
        double dx2 = dCorners[2];
        double dy2 = dCorners[3];
        return switch (this) {
            case XYXY -> dCorners.clone();
            case XYWH -> new double[] {dx1 + dx2, dy1 + dy2, dx2, dy2};
            case CXCYWH -> new double[] {dx1 + dx2, dy1 + dy2, (dx2 - dx1) / 2, (dy2 - dy1) / 2};
        };
    }

    /**
     * By name as users write it: {@code xyxy}, {@code xywh}, {@code cxcywh}.
     *
     * @param name the format's name
     * @return the format; an unknown name is refused with the known ones
     */
    public static BoxFormat parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "xyxy" -> XYXY;
            case "xywh" -> XYWH;
            case "cxcywh" -> CXCYWH;
            default -> throw new InvalidInputException("unknown box format '" + name + "'; use xyxy, xywh or cxcywh");
        };
    }
}
