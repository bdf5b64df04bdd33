package org.cam4j.onnx.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.cam4j.model.ModelOptions;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's native calls need more stack than a JVM thread may have: a caller on a 128 KB stack still
 * creates a session and runs it (its native frames would overflow that stack and end the JVM with SIGSEGV), and
 * gets the same outputs as a caller on the default stack.
 */
class LargeStackTest {
    @Test
    void aCallerWithATinyStackRunsTheModel() throws Exception {
        byte[] model = SyntheticModels.cnn(3).toByteArray();
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(i));
        }
        Map<String, Tensor> expected;
        String input;
        try (OrtRunner runner = new OrtRunner(model, ModelOptions.defaults())) {
            input = runner.inputNames().get(0);
            expected = runner.run(Map.of(input, x), Set.of());
        }
        AtomicReference<Object> got = new AtomicReference<>();
        String name = input;
        Thread small = new Thread(null, () -> {
            try (OrtRunner runner = new OrtRunner(model, ModelOptions.defaults())) {
                got.set(runner.run(Map.of(name, x), Set.of()));
            } catch (RuntimeException | Error e) {
                got.set(e);
            }
        }, "tiny-stack", 128 << 10);
        small.start();
        small.join();
        assertThat(got.get()).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Tensor> outputs = (Map<String, Tensor>) got.get();
        assertThat(outputs.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(outputs.get(k).maxAbsDiff(v)).as(k).isZero());
    }

    @Test
    void aWarmUpLeavesOnnxRuntimeReadyForSessions() {
        OrtRunner.warmUp();
        OrtRunner.warmUp();
        byte[] model = SyntheticModels.cnn(3).toByteArray();
        try (OrtRunner runner = new OrtRunner(model, ModelOptions.defaults())) {
            assertThat(runner.inputNames()).hasSize(1);
        }
    }
}
