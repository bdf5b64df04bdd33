package org.cam4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Live-tensor peaks worked out by hand. */
class LiveTensorPeakTest {
    private static LiveTensorPeak.Step step(List<String> inputs, String output, long bytes) {
        return new LiveTensorPeak.Step(inputs, Map.of(output, bytes));
    }

    @Test
    void aDanglingOutputGoesAtOnceAndWeightsDoNotCount() {
        // d = Neg(x), never read; a = Relu(x); y = Mul(a, w) with w a weight: x and d, then x and a, then a and y,
        // 64 bytes each time (96 if d stayed alive or w counted)
        List<LiveTensorPeak.Step> steps = List.of(step(List.of("x"), "d", 32), step(List.of("x"), "a", 32),
                step(List.of("a", "w"), "y", 32));
        assertThat(LiveTensorPeak.bytes(steps, Map.of("x", 32L), Set.of("y"))).isEqualTo(64);
    }

    @Test
    void keptOutputsStayAliveToTheEnd() {
        // x -> a (an output of the graph, also read by b) -> b -> c: a is never freed
        List<LiveTensorPeak.Step> steps = List.of(step(List.of("x"), "a", 100), step(List.of("a"), "b", 10),
                step(List.of("b"), "c", 10));
        assertThat(LiveTensorPeak.bytes(steps, Map.of("x", 1L), Set.of("a", "c"))).isEqualTo(120);
        assertThat(LiveTensorPeak.bytes(steps, Map.of("x", 1L), Set.of("c"))).isEqualTo(110);
    }

    @Test
    void aTensorReadTwiceByOneNodeIsFreedOnce() {
        List<LiveTensorPeak.Step> steps = List.of(step(List.of("x"), "a", 8), step(List.of("a", "a"), "b", 8),
                step(List.of("b"), "c", 8));
        assertThat(LiveTensorPeak.bytes(steps, Map.of("x", 8L), Set.of("c"))).isEqualTo(16);
    }
}
