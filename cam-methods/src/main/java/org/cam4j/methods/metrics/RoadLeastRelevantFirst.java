package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;

/** ROAD, least relevant first: the pixels the map ranks lowest are removed and imputed (higher = more faithful). */
@AutoService(CamMetric.class)
public final class RoadLeastRelevantFirst implements CamMetric {
    @Override
    public String name() {
        return "ROADLeastRelevantFirst";
    }

    @Override
    public boolean perPercentile() {
        return true;
    }

    @Override
    public String description() {
        return "score change removing the least relevant pixels (imputed); higher = better";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        return RoadMostRelevantFirst.road(context, true);
    }
}
