package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.model.MaskedForward;
import org.cam4j.tensor.Layout;
import org.cam4j.image.BilinearResize;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.PerturbationBatch;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Score-CAM (Wang et al., CVPR-W 2020, arXiv:1910.01279): each channel, upsampled to the input size (bilinear,
 * align_corners) and min-max scaled to a mask M_c (eps 1e-8), masks the input; w = softmax over channels of the
 * target scores S(x * M_c). Masked inputs run {@code batch_size} at a time across images and channels (by default as
 * many as fit in {@code memory_budget_mb}, 512 MiB, of the model's live activations: {@link PerturbationBatch}); the
 * batch does not change the result. All-zero channels (whose masks are all zero) share one run of the all-zero input.
 *
 * <p>Option {@code top_channels} = N (off by default, a departure from the reference): Faster Score-CAM's channel
 * preselection (Wang et al., arXiv:2008.04834, "SS-CAM" follow-up; the "Faster Score-CAM" variant of the authors'
 * code): per image only the N channels of largest spatial variance are masked and scored, the softmax runs over
 * those, and every other channel gets weight 0. C / N times fewer forward passes.
 */
@AutoService(CamMethod.class)
public final class ScoreCam extends WeightedCam {
    @Override
    public String name() {
        return "ScoreCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("score-cam");
    }

    @Override
    public String description() {
        return "softmax of the target scores of the input masked by each channel";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.MASKED_FORWARD);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        Tensor a = layer.activations();
        int n = a.dim(0);
        int c = a.dim(1);
        boolean nhwc = context.model().input().layout() == Layout.NHWC;
        int height = context.input().dim(nhwc ? 1 : 2);
        int width = context.input().dim(nhwc ? 2 : 3);
        float[] scores = new float[n * c];
        // an all-zero channel (a dead ReLU map) gives an all-zero mask, hence the same all-zero input for every
        // image: that input runs once, not once per such channel
        List<Integer> rows = new java.util.ArrayList<>();
        List<Integer> blank = new java.util.ArrayList<>();
        boolean[] selected = selectChannels(a, (int) context.options().number(TOP_CHANNELS, 0));
        for (int row = 0; row < n * c; row++) {
            if (!selected[row]) {
                continue;
            }
            Tensor channel = a.slice(row / c).slice(row % c);
            (channel.max() == 0f && channel.min() == 0f ? blank : rows).add(row);
        }
        // the memory estimate (a probe of every tensor, once per model) only when the batch is left to us
        int batch = context.options().batchSizeOr(() -> PerturbationBatch.size(context.model(), context.input(),
                height * width, budgetBytes(context), Math.max(1, rows.size())));
        for (int start = 0; start < rows.size(); start += batch) {
            CamOps.checkCancelled();
            int count = Math.min(batch, rows.size() - start);
            int[] source = new int[count];
            Tensor masks = Tensor.zeros(count, height, width);
            for (int r = 0; r < count; r++) {
                int row = rows.get(start + r);
                source[r] = row / c;
                masks.slice(r).copyFrom(mask(a.slice(row / c).slice(row % c), height, width));
            }
            Tensor outputs = MaskedForward.run(context.model(), context.input(), masks, source);
            for (int r = 0; r < count; r++) {
                scores[rows.get(start + r)] = (float) context.score(source[r], outputs.slice(r));
            }
        }
        if (!blank.isEmpty()) {
            Tensor zero = MaskedForward.run(context.model(), context.input(), Tensor.zeros(1, height, width), new int[] {0})
                    .slice(0);
            for (int row : blank) {
                scores[row] = (float) context.score(row / c, zero);
            }
        }
        for (int row = 0; row < n * c; row++) {
            if (!selected[row]) {
                scores[row] = Float.NEGATIVE_INFINITY; // weight exp(-inf) = 0 in the softmax
            }
        }
        return CamOps.softmaxRows(Tensor.of(scores, n, c));
    }

    private static final String TOP_CHANNELS = "top_channels";
    private static final String MEMORY_BUDGET_MB = "memory_budget_mb";

    @Override
    public Set<String> optionNames() {
        return Set.of(TOP_CHANNELS, MEMORY_BUDGET_MB);
    }

    private static long budgetBytes(CamContext context) {
        double mb = context.options().number(MEMORY_BUDGET_MB, PerturbationBatch.DEFAULT_BUDGET_BYTES >> 20);
        if (!(mb >= 1)) {
            throw new IllegalArgumentException(MEMORY_BUDGET_MB + " must be at least 1 (MiB), got " + mb);
        }
        return (long) (mb * (1 << 20));
    }

    /** Per image, the {@code top} channels of largest spatial variance (all channels when top <= 0 or >= C). */
    static boolean[] selectChannels(Tensor a, int top) {
        int n = a.dim(0);
        int c = a.dim(1);
        boolean[] selected = new boolean[n * c];
        if (top <= 0 || top >= c) {
            java.util.Arrays.fill(selected, true);
            return selected;
        }
        for (int i = 0; i < n; i++) {
            double[] variance = new double[c];
            for (int ch = 0; ch < c; ch++) {
                Tensor plane = a.slice(i).slice(ch);
                double mean = 0;
                for (int p = 0; p < plane.size(); p++) {
                    mean += plane.at(p);
                }
                mean /= plane.size();
                double v = 0;
                for (int p = 0; p < plane.size(); p++) {
                    v += (plane.at(p) - mean) * (plane.at(p) - mean);
                }
                variance[ch] = v;
            }
            int image = i;
            java.util.stream.IntStream.range(0, c).boxed()
                    .sorted((x, y) -> Double.compare(variance[y], variance[x])).limit(top)
                    .forEach(ch -> selected[image * c + ch] = true);
        }
        return selected;
    }

    private static Tensor mask(Tensor channel, int height, int width) {
        Tensor up = BilinearResize.resizeAlignCorners(channel, height, width);
        float min = up.min();
        float range = up.max() - min + 1e-8f;
        for (int i = 0; i < up.size(); i++) {
            up.put(i, (up.at(i) - min) / range);
        }
        return up;
    }
}
