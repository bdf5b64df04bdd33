package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * cam-tensorflow is a plugin: cam-cli (hence cam.jar, shaded from its runtime classpath) and its ONNX-only tests
 * have neither the backend nor TensorFlow on the classpath, so no test here loads TensorFlow's natives.
 */
class OnnxOnlyClasspathTest {
    @Test
    void noTensorFlowOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("org.tensorflow.TensorFlow"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.cam4j.tensorflow.TensorFlowBackend"))
                .isInstanceOf(ClassNotFoundException.class);
        CliRun backends = CliRun.of("backends");
        assertThat(backends.out()).contains("onnx").doesNotContain("tensorflow");
    }
}
