package org.cam4j.metrics;

import org.cam4j.plugin.Provider;
import org.cam4j.metrics.MetricContext;

/**
 * A measure of how faithful CAMs are (the reference's {@code pytorch_grad_cam.metrics}), registered with
 * {@code @AutoService(CamMetric.class)} like methods. It perturbs the input by the maps and runs the model through
 * the backend, so it works on every backend.
 */
public interface CamMetric extends Provider {
    /**
     * One value per image of the context's batch.
     *
     * @param context the model, the inputs, the maps and the targets
     * @return one value per image
     */
    double[] evaluate(MetricContext context);

    /**
     * True when the metric needs ground-truth object masks ({@code MetricContext.groundTruth}).
     *
     * @return false by default
     */
    default boolean needsGroundTruth() {
        return false;
    }

    /**
     * True when the metric is computed at a removal percentile ({@code _p20} in its reported name).
     *
     * @return false by default
     */
    default boolean perPercentile() {
        return false;
    }
}
