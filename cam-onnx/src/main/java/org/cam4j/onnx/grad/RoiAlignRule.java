package org.cam4j.onnx.grad;

import static org.cam4j.onnx.grad.GradContext.first;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.cam4j.onnx.graph.Attributes;
import org.cam4j.onnx.graph.Emitter;

/**
 * RoiAlign (average mode, a fixed sampling ratio s, as torchvision's Faster R-CNN exports it): each output cell
 * averages s x s bilinear samples of its region of interest, y[r, c] = M_y(r) X[b_r, c] M_x(r)^T, where row p of
 * M_x(r) is (1 / s) times the sum over the cell's s sample points of their bilinear weights on the columns (ONNX's
 * coordinates: x = x1 * spatial_scale - offset + (p + (i + 0.5) / s) * roi_w / out_w, with offset 0.5 for
 * half_pixel and roi_w at least 1 otherwise; a point beyond -1 or the size weighs nothing, one below 0 reads 0, one
 * at the last column reads it alone). The backward pass distributes each cell's gradient over the four
 * neighbours of every sample point: dX[b_r, c] += M_y(r)^T g[r, c] M_x(r), added over the regions (ScatterElements
 * with reduction add, opset 16). The regions are constants of the run (torchvision's RoIAlign gives them no
 * gradient either).
 */
final class RoiAlignRule implements GradientRule {
    @Override
    public List<String> backward(NodeProto node, List<String> g, GradContext ctx) {
        Emitter e = ctx.emit();
        String mode = Attributes.getString(node, "mode", "avg");
        long ratio = Attributes.getInt(node, "sampling_ratio", 0);
        if (!mode.equals("avg") || ratio <= 0) {
            throw new UnsupportedGradientException("RoiAlign node '" + node.getName() + "' uses mode " + mode
                    + " and sampling_ratio " + ratio + "; only average mode with a fixed sampling ratio (torchvision's"
                    + " 2) is differentiated");
        }
        boolean halfPixel = Attributes.getString(node, "coordinate_transformation_mode", "half_pixel")
                .equals("half_pixel");
        float scale = Attributes.getFloat(node, "spatial_scale", 1f);
        long outH = Attributes.getInt(node, "output_height", 1);
        long outW = Attributes.getInt(node, "output_width", 1);
        String x = node.getInput(0);
        String rois = node.getInput(1);
        String my = interpolation(e, rois, 1, 3, e.slice(e.shape(x), new long[] {2}, new long[] {3}, new long[] {0}),
                outH, ratio, scale, halfPixel);
        String mx = interpolation(e, rois, 0, 2, e.slice(e.shape(x), new long[] {3}, new long[] {4}, new long[] {0}),
                outW, ratio, scale, halfPixel);
        // [R, 1, H, oh] @ [R, C, oh, ow] @ [R, 1, ow, W]
        String perRegion = e.op("MatMul", e.op("MatMul", e.unsqueeze(e.op("Transpose", List.of(my),
                Attributes.ints("perm", 0, 2, 1)), 1), g.get(0)), e.unsqueeze(mx, 1));
        String regionImage = e.reshape(e.toInt64(node.getInput(2)), -1, 1, 1, 1);
        // regions of one image add up: ScatterElements with reduction add (opset 16; scatterAdd refuses older ones)
        return first(node, ShapeRules.scatterAdd(e, e.zerosLike(x), e.expandLike(regionImage, perRegion), perRegion,
                0, true, node));
    }

    /**
     * M(r) along one axis, [R, out, size]: for output position p the mean over its {@code ratio} sample points of
     * their bilinear weights on the axis' {@code size} positions.
     */
    private static String interpolation(Emitter e, String rois, int startColumn, int endColumn, String sizeLong,
                                        long out, long ratio, float scale, boolean halfPixel) {
        float offset = halfPixel ? 0.5f : 0f;
        String start = e.sub(e.mul(column(e, rois, startColumn), e.scalar(scale)), e.scalar(offset));
        String extent = e.sub(e.sub(e.mul(column(e, rois, endColumn), e.scalar(scale)), e.scalar(offset)), start);
        if (!halfPixel) {
            extent = e.op("Max", extent, e.scalar(1f));
        }
        float[] steps = new float[(int) (out * ratio)];
        for (int p = 0; p < out; p++) {
            for (int i = 0; i < ratio; i++) {
                steps[(int) (p * ratio + i)] = (p + (i + 0.5f) / ratio) / out;
            }
        }
        // [R, out * ratio] sample coordinates
        String at = e.add(start, e.mul(extent, e.floats(steps, 1, steps.length)));
        String size = e.toFloat(sizeLong);
        String last = e.sub(size, e.scalar(1f));
        String inside = e.toFloat(e.op("And", e.op("Not", e.op("Less", at, e.scalar(-1f))),
                e.op("Not", e.op("Greater", at, size))));
        String clamped = e.op("Max", at, e.scalar(0f));
        String low = e.op("Floor", clamped);
        String atEnd = e.op("Not", e.op("Less", low, last));
        low = e.op("Where", List.of(atEnd, last, low));
        String high = e.op("Where", List.of(atEnd, last, e.add(low, e.scalar(1f))));
        String frac = e.sub(e.op("Where", List.of(atEnd, low, clamped)), low);
        String weights = e.add(
                e.mul(e.oneHot(e.toInt64(low), sizeLong), e.unsqueeze(e.mul(e.sub(e.scalar(1f), frac), inside), 2)),
                e.mul(e.oneHot(e.toInt64(high), sizeLong), e.unsqueeze(e.mul(frac, inside), 2)));
        // [R, out, ratio, size] summed over the samples of each output position
        String perPosition = e.reduceSum(e.op("Reshape", weights, e.op("Concat", List.of(e.vector(0, out, ratio),
                sizeLong), Attributes.integer("axis", 0))), new long[] {2}, false);
        return e.div(perPosition, e.scalar(ratio));
    }

    /** Rows of a [R, 4] region tensor's column, [R, 1]. */
    private static String column(Emitter e, String rois, int c) {
        return e.slice(rois, new long[] {c}, new long[] {c + 1}, new long[] {1});
    }
}
