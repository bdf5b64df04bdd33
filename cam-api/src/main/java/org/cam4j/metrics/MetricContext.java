package org.cam4j.metrics;

import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Layout;
import org.cam4j.pipeline.Cam;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * The inputs of a metric evaluation.
 *
 * @param model the model, through its backend
 * @param input the preprocessed batch, N x C x H x W (or N x H x W x C, as the model takes it)
 * @param cams the maps to judge, N x H x W in [0, 1]
 * @param targets one per image (resolved: no {@code null})
 * @param percentile the removal percentile of ROAD-style metrics
 * @param percentiles the percentiles ROADCombined averages over
 * @param roadNoise the imputer's noise (absolute; 0 for none)
 * @param seed the noise's random seed
 * @param explainer the CAM method the maps came from, for metrics that recompute maps (Coherency, ARCC); or null
 * @param memo results shared by the metrics of one evaluation (ROAD at a percentile is computed once for MoRF,
 *     ROADCombined and ARCC alike)
 * @param groundTruth N x H x W object masks (1 on the object) for the pointing games, or null
 * @param options metric settings by name ({@code steps}, {@code baseline} of the deletion and insertion curves)
 */
public record MetricContext(ExplainableModel model, Tensor input, Tensor cams, List<Target> targets, double percentile,
                            List<Double> percentiles, double roadNoise, long seed, Cam explainer,
                            java.util.Map<String, double[]> memo, Tensor groundTruth,
                            java.util.Map<String, String> options) {
    /** A context without ground truth or metric settings, with a fresh memo. */
    public MetricContext(ExplainableModel model, Tensor input, Tensor cams, List<Target> targets, double percentile,
                         List<Double> percentiles, double roadNoise, long seed, Cam explainer) {
        this(model, input, cams, targets, percentile, percentiles, roadNoise, seed, explainer,
                new java.util.concurrent.ConcurrentHashMap<>(), null, java.util.Map.of());
    }

    /**
     * The same context with object masks (N x H x W) for the pointing games.
     *
     * @param masks N x H x W, 1 on the object
     * @return the new context
     */
    public MetricContext withGroundTruth(Tensor masks) {
        if (masks != null && !java.util.Arrays.equals(masks.shape(), cams.shape())) {
            throw new InvalidInputException("ground-truth masks are " + java.util.Arrays.toString(masks.shape())
                    + "; give one mask per image at the maps' size " + java.util.Arrays.toString(cams.shape()));
        }
        return new MetricContext(model, input, cams, targets, percentile, percentiles, roadNoise, seed, explainer,
                memo, masks, options);
    }

    /**
     * The same context with metric settings.
     *
     * @param settings metric settings by name
     * @return the new context
     */
    public MetricContext withOptions(java.util.Map<String, String> settings) {
        return new MetricContext(model, input, cams, targets, percentile, percentiles, roadNoise, seed, explainer,
                memo, groundTruth, java.util.Map.copyOf(settings));
    }

    /**
     * A numeric metric setting, or {@code fallback}.
     *
     * @param key the setting's name
     * @param fallback the value when it is not set
     * @return the value
     */
    public double option(String key, double fallback) {
        String v = options.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("metric option " + key + " must be a number, got '" + v + "'");
        }
    }

    /**
     * The per-image probability of each target's class (softmax), or the target's score for other targets.
     *
     * @param batch inputs, one per image of this context
     * @return one confidence per image
     */
    public double[] confidences(Tensor batch) {
        return confidences(batch, targets);
    }

    /**
     * {@link #confidences(Tensor)} of a batch with its own targets, one per row.
     *
     * @param batch inputs
     * @param rowTargets one target per row
     * @return one confidence per row
     */
    public double[] confidences(Tensor batch, List<Target> rowTargets) {
        Tensor out = model.predict(batch);
        double[] c = new double[batch.dim(0)];
        for (int i = 0; i < c.length; i++) {
            Target t = rowTargets.get(i);
            c[i] = t instanceof org.cam4j.targets.ClassifierOutputTarget k
                    ? org.cam4j.math.CamOps.softmax(out.slice(i))[k.category()] : t.score(out.slice(i));
        }
        return c;
    }

    /** Refuses maps or targets that do not match the batch, or maps of another size than the input. */
    public MetricContext {
        if (cams.rank() != 3 || cams.dim(0) != input.dim(0) || targets.size() != input.dim(0)) {
            throw new InvalidInputException("metrics need one N x H x W map and one target per image; got maps "
                    + java.util.Arrays.toString(cams.shape()) + " and " + targets.size() + " targets for "
                    + input.dim(0) + " images");
        }
        boolean nhwc = model.input().layout() == Layout.NHWC;
        int h = input.dim(nhwc ? 1 : 2);
        int w = input.dim(nhwc ? 2 : 3);
        if (cams.dim(1) != h || cams.dim(2) != w) {
            throw new InvalidInputException("the maps are " + cams.dim(1) + " x " + cams.dim(2) + " but the input"
                    + " images are " + h + " x " + w + "; metrics need maps at the input's size");
        }
        if (targets.stream().anyMatch(t -> t == null || org.cam4j.targets.Targets.isTopClass(t))) {
            throw new InvalidInputException("metric targets must be resolved (no top-class placeholders)");
        }
    }

    /**
     * The same context at another percentile.
     *
     * @param p the percentile, 0 to 100
     * @return the new context
     */
    public MetricContext atPercentile(double p) {
        return new MetricContext(model, input, cams, targets, p, percentiles, roadNoise, seed, explainer, memo,
                groundTruth, options);
    }

    /**
     * A result computed once per evaluation under {@code key}.
     *
     * @param key what the result is
     * @param compute how to compute it the first time
     * @return the result
     */
    public double[] memoized(String key, java.util.function.Supplier<double[]> compute) {
        double[] known = memo.get(key);
        if (known == null) {
            known = compute.get();
            memo.put(key, known);
        }
        return known.clone();
    }

    /**
     * Whether the model's input is N x H x W x C.
     *
     * @return whether the input is channels last
     */
    public boolean nhwc() {
        return model.input().layout() == Layout.NHWC;
    }

    /**
     * Each image's target score of the model's outputs for a batch.
     *
     * @param batch inputs, one per image of this context
     * @return one score per image
     */
    public double[] scores(Tensor batch) {
        Tensor out = model.predict(batch);
        double[] s = new double[batch.dim(0)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) targets.get(i).score(out.slice(i));
        }
        return s;
    }
}
