package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * Deletion (RISE, Petsiuk et al., BMVC 2018, arXiv:1806.07421): the pixels are replaced by a baseline in order of
 * decreasing map value, {@code steps} equal portions at a time (option, default 32), and the class probability is
 * recorded after each; the score is the area under that curve (x from 0 to 1, trapezoids). Lower is better: a
 * faithful map removes the evidence first. Option {@code baseline}: {@code 0} (zero input, default) or {@code blur}
 * (the image blurred by a 11 x 11 box filter twice).
 */
@AutoService(CamMetric.class)
public final class DeletionCurve implements CamMetric {
    @Override
    public String name() {
        return "Deletion";
    }

    @Override
    public String description() {
        return "area under the class probability as the most relevant pixels are deleted (RISE); lower = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        return areas(curves(context, false));
    }

    static double[] areas(double[][] curves) {
        double[] out = new double[curves.length];
        for (int i = 0; i < curves.length; i++) {
            double[] c = curves[i];
            double a = 0;
            for (int k = 1; k < c.length; k++) {
                a += (c[k - 1] + c[k]) / 2;
            }
            out[i] = a / (c.length - 1);
        }
        return out;
    }

    /**
     * Per image the class probability at step 0..steps: deletion starts from the image and moves to the baseline;
     * insertion starts from the baseline and moves to the image, the most relevant pixels first.
     */
    public static double[][] curves(MetricContext context, boolean insertion) {
        int steps = (int) context.option("steps", 32);
        if (steps < 1 || steps > 1024) {
            throw new InvalidInputException("metric option steps must be between 1 and 1024, got " + steps);
        }
        String baseline = context.options().getOrDefault("baseline", "0");
        int n = context.input().dim(0);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            Tensor chw = Perturbations.chw(context, i);
            Tensor base = switch (baseline) {
                case "0" -> Tensor.zeros(chw.shape());
                case "blur" -> blur(chw);
                default -> throw new InvalidInputException("metric option baseline must be 0 or blur, got '"
                        + baseline + "'");
            };
            Integer[] order = order(context.cams().slice(i));
            int hw = order.length;
            int c = chw.dim(0);
            List<Tensor> rows = new ArrayList<>();
            Tensor current = (insertion ? base : chw).copy();
            Tensor target = insertion ? chw : base;
            rows.add(current.copy());
            for (int k = 1; k <= steps; k++) {
                int from = (int) ((long) hw * (k - 1) / steps);
                int to = (int) ((long) hw * k / steps);
                for (int j = from; j < to; j++) {
                    int p = order[j];
                    for (int ch = 0; ch < c; ch++) {
                        current.put(ch * hw + p, target.at(ch * hw + p));
                    }
                }
                rows.add(current.copy());
            }
            List<Tensor> batch = rows.stream().map(t -> Perturbations.toModelLayout(context, t)).toList();
            out[i] = context.confidences(Tensor.stack(batch),
                    java.util.Collections.nCopies(steps + 1, context.targets().get(i)));
        }
        return out;
    }

    /** Pixel indices by decreasing map value (ties in index order). */
    private static Integer[] order(Tensor cam) {
        Integer[] order = new Integer[cam.size()];
        for (int p = 0; p < order.length; p++) {
            order[p] = p;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(cam.at(b), cam.at(a)));
        return order;
    }

    /** Two passes of an 11 x 11 box filter per channel (edges clamped): a cheap Gaussian-like blur. */
    private static Tensor blur(Tensor chw) {
        Tensor out = chw.copy();
        for (int pass = 0; pass < 2; pass++) {
            out = box(out, 5);
        }
        return out;
    }

    private static Tensor box(Tensor chw, int r) {
        int c = chw.dim(0);
        int h = chw.dim(1);
        int w = chw.dim(2);
        Tensor out = Tensor.zeros(chw.shape());
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    int count = 0;
                    for (int dy = -r; dy <= r; dy++) {
                        for (int dx = -r; dx <= r; dx++) {
                            int yy = Math.max(0, Math.min(h - 1, y + dy));
                            int xx = Math.max(0, Math.min(w - 1, x + dx));
                            s += chw.at((ch * h + yy) * w + xx);
                            count++;
                        }
                    }
                    out.put((ch * h + y) * w + x, (float) (s / count));
                }
            }
        }
        return out;
    }
}
