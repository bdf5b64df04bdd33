package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** An evaluation request: which metrics "all" means, ground truth, ROAD's checks, each door's words. */
class EvaluationRequestTest {
    private static List<String> names(EvaluationRequest r) {
        return r.metrics().stream().map(CamMetric::name).toList();
    }

    @Test
    void allIsEveryMetricTheRunCanCompute() {
        List<String> every = Metrics.registry().all().stream().map(CamMetric::name).toList();
        List<String> withoutTruth = Metrics.registry().all().stream().filter(m -> !m.needsGroundTruth())
                .map(CamMetric::name).toList();
        assertThat(withoutTruth).hasSizeLessThan(every.size()).contains("ROADCombined").doesNotContain("PointingGame");
        assertThat(names(EvaluationRequest.of(null, false, n -> n, null, null, null, FieldNames.PLAIN)))
                .isEqualTo(withoutTruth);
        assertThat(names(EvaluationRequest.of(List.of("all"), true, n -> n, null, null, null, FieldNames.PLAIN)))
                .isEqualTo(every);
        assertThat(EvaluationRequest.of(List.of(), false, n -> n, null, null, null, FieldNames.PLAIN).metrics())
                .isEmpty();
    }

    @Test
    void namedMetricsAreKeptOnceInOrderAndGroundTruthIsTheDoorsToRefuse() {
        EvaluationRequest r = EvaluationRequest.of(List.of("ROADCombined", "Complexity", "ROADCombined"), false,
                n -> n, 0.1, List.of(30.0), 7L, FieldNames.PLAIN);
        assertThat(names(r)).containsExactly("ROADCombined", "Complexity");
        assertThat(r.road()).isEqualTo(new RoadSettings(0.1, List.of(30.0), 7));
        assertThatThrownBy(() -> EvaluationRequest.of(List.of("PointingGame"), false,
                n -> n + " needs ground truth here", null, null, null, FieldNames.PLAIN))
                .hasMessage("PointingGame needs ground truth here");
        assertThat(names(EvaluationRequest.of(List.of("PointingGame"), true, n -> n, null, null, null,
                FieldNames.PLAIN))).containsExactly("PointingGame");
        assertThatThrownBy(() -> EvaluationRequest.of(List.of("Nope"), false, n -> n, null, null, null,
                FieldNames.PLAIN)).hasMessageContaining("unknown metric 'Nope'");
        assertThatThrownBy(() -> EvaluationRequest.of(List.of("Complexity"), false, n -> n, null, List.of(150.0), null,
                FieldNames.CLI)).hasMessage("--road-percentiles must lie strictly between 0 and 100, got 150.0");
    }
}
