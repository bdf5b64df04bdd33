package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cam4j.model.HeadForward;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.math.EigenProjection;
import org.cam4j.spi.LayerData;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Ablation-CAM (Desai and Ramaswamy, WACV 2020): w_c = (S - S_c) / S, where S_c is the target score with channel c
 * of the layer ablated. Only the network's head (target layer to output) runs, {@code batch_size} ablations at a
 * time across images.
 *
 * <p>As the reference's AblationLayer: an ablated channel is set to 0 when the image's smallest activation is 0;
 * otherwise to a value far below it, and the reference lowers that value by 1e7 more for each further row of a
 * batch (its ablation edits a tensor whose minimum it keeps re-reading), so row k of a batch of
 * {@code batch_size} (by default the reference's 32) gets min - (k + 1) 1e7. We reproduce that. Channels that are already all zero when the ablation
 * value is 0 are not run (their weight is exactly 0). Option {@code ratio_channels_to_ablate} (0, 1]
 * ablates only the channels that overlap the EigenCAM mask most and least; the others keep weight 0.
 */
@AutoService(CamMethod.class)
public final class AblationCam extends WeightedCam {
    private static final float ABLATION_OFFSET = 1e7f;
    private static final int REFERENCE_BATCH_SIZE = 32;

    @Override
    public String name() {
        return "AblationCAM";
    }

    @Override
    public List<String> aliases() {
        return List.of("ablation");
    }

    @Override
    public String description() {
        return "drop of the target score when each channel is ablated (head passes only)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("ratio_channels_to_ablate");
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.HEAD_FORWARD);
    }

    @Override
    public Tensor weights(LayerData layer, CamContext context) {
        int n = layer.batch();
        int c = layer.channels();
        // the ablation value steps down within a batch, as in the reference: its default batch of 32 is kept
        int batch = context.options().batchSizeOr(() -> REFERENCE_BATCH_SIZE);
        double ratio = context.options().number("ratio_channels_to_ablate", 1.0);
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio_channels_to_ablate must be in (0, 1], got " + ratio);
        }
        List<int[]> jobs = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float min = context.model().capability(HeadForward.class).layerMin(layer.name(), i, context.forward());
            int[] channels = ratio == 1.0 ? allChannels(c) : channelsToAblate(layer.activations().slice(i), ratio);
            float value = 0;
            for (int k = 0; k < channels.length; k++) {
                if (min != 0f) {
                    value = (k % batch == 0 ? min : value) - ABLATION_OFFSET;
                } else if (context.model().capability(HeadForward.class).channelIsZero(layer.name(), i, channels[k], context.forward())) {
                    // zeroing a channel that is already zero changes nothing: its weight is exactly 0
                    continue;
                }
                jobs.add(new int[] {i, channels[k]});
                values.add(value);
            }
        }
        Tensor ablated = Tensor.zeros(n, c);
        for (int i = 0; i < n * c; i++) {
            ablated.put(i, Float.NaN);
        }
        for (int start = 0; start < jobs.size(); start += batch) {
            CamOps.checkCancelled();
            int rows = Math.min(batch, jobs.size() - start);
            int[] source = new int[rows];
            int[] channel = new int[rows];
            float[] value = new float[rows];
            for (int r = 0; r < rows; r++) {
                source[r] = jobs.get(start + r)[0];
                channel[r] = jobs.get(start + r)[1];
                value[r] = values.get(start + r);
            }
            Tensor out = context.model().capability(HeadForward.class).forwardHeadAblated(layer.name(), source, channel, value, context.forward());
            for (int r = 0; r < rows; r++) {
                ablated.set((float) context.score(source[r], out.slice(r)), source[r], channel[r]);
            }
        }
        Tensor w = Tensor.zeros(n, c);
        for (int i = 0; i < n; i++) {
            float original = (float) context.score(i, context.forward().output().slice(i));
            for (int ch = 0; ch < c; ch++) {
                float s = ablated.get(i, ch);
                w.set(Float.isNaN(s) ? 0f : (original - s) / original, i, ch);
            }
        }
        return w;
    }

    private static int[] allChannels(int c) {
        int[] all = new int[c];
        Arrays.setAll(all, k -> k);
        return all;
    }

    /**
     * The reference's experimental selection: channels scored by how much of their (min-max scaled, absolute)
     * activation lies where |EigenCAM| exceeds 1% of its range; the top and the bottom {@code ratio} of them.
     */
    static int[] channelsToAblate(Tensor activation, double ratio) {
        int c = activation.dim(0);
        Tensor projection = EigenProjection.project(activation.reshape(1, c, activation.dim(1), activation.dim(2)));
        int hw = projection.size();
        float[] mask = new float[hw];
        float pmin = Float.POSITIVE_INFINITY;
        float pmax = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < hw; p++) {
            pmin = Math.min(pmin, Math.abs(projection.at(p)));
            pmax = Math.max(pmax, Math.abs(projection.at(p)));
        }
        for (int p = 0; p < hw; p++) {
            mask[p] = (Math.abs(projection.at(p)) - pmin) / (pmax - pmin) > 0.01f ? 1f : 0f;
        }
        double[] scores = new double[c];
        for (int ch = 0; ch < c; ch++) {
            Tensor plane = activation.slice(ch);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < hw; p++) {
                min = Math.min(min, Math.abs(plane.at(p)));
            }
            double inside = 0;
            double total = 0;
            for (int p = 0; p < hw; p++) {
                max = Math.max(max, Math.abs(plane.at(p)) - min);
            }
            for (int p = 0; p < hw; p++) {
                double v = (Math.abs(plane.at(p)) - min) / max;
                inside += mask[p] * v;
                total += v;
            }
            scores[ch] = inside / total;
        }
        Integer[] order = new Integer[c];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, Comparator.comparingDouble(k -> scores[k]));
        int keep = (int) (c * ratio);
        TreeSet<Integer> chosen = new TreeSet<>();
        for (int k = 0; k < keep; k++) {
            chosen.add(order[c - 1 - k]);
            chosen.add(order[k]);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
