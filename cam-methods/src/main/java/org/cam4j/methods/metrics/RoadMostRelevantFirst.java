package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.NoisyLinearImputer;
import org.cam4j.metrics.Percentile;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;

/**
 * ROAD, most relevant first: the pixels whose map value is at or above the map's p-th percentile are removed and
 * imputed ({@link NoisyLinearImputer}); the score change (lower = more faithful). As in the reference the threshold
 * is a percentile of the map, so a map with many zeros removes everything at low percentiles.
 */
@AutoService(CamMetric.class)
public final class RoadMostRelevantFirst implements CamMetric {
    @Override
    public String name() {
        return "ROADMostRelevantFirst";
    }

    @Override
    public boolean perPercentile() {
        return true;
    }

    @Override
    public String description() {
        return "score change removing the most relevant pixels (imputed); lower = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        return road(context, false);
    }

    /** Keeps the pixels below the percentile of the map (or of 1 - map, least relevant first), imputes the rest. */
    static double[] road(MetricContext context, boolean leastRelevantFirst) {
        return context.memoized((leastRelevantFirst ? "LeRF@" : "MoRF@") + context.percentile(),
                () -> compute(context, leastRelevantFirst));
    }

    private static double[] compute(MetricContext context, boolean leastRelevantFirst) {
        NoisyLinearImputer imputer = new NoisyLinearImputer(context.roadNoise(), context.seed());
        return Perturbations.scoreChange(context, (chw, cam) -> {
            float[] m = cam.toArray();
            if (leastRelevantFirst) {
                for (int k = 0; k < m.length; k++) {
                    m[k] = 1f - m[k];
                }
            }
            float threshold = (float) Percentile.of(m, context.percentile());
            boolean[] keep = new boolean[m.length];
            for (int k = 0; k < m.length; k++) {
                keep[k] = m[k] < threshold;
            }
            return imputer.impute(chw, keep);
        });
    }
}
