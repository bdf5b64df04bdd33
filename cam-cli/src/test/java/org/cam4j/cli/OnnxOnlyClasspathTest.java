package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * cam-tensorflow is a plugin and cam-spark a separate build: cam-cli (hence cam.jar, shaded from its runtime
 * classpath) and its ONNX-only tests have neither TensorFlow nor Spark on the classpath, so no test here loads
 * TensorFlow's natives or starts Spark.
 */
class OnnxOnlyClasspathTest {
    @Test
    void noTensorFlowNorSparkOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("org.tensorflow.TensorFlow"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.cam4j.tensorflow.TensorFlowBackend"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.spark.sql.SparkSession"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName(BatchCommand.SPARK_RUNNER)).isInstanceOf(ClassNotFoundException.class);
        CliRun spark = CliRun.of("batch", "run.yaml", "--spark");
        assertThat(spark.exit()).isEqualTo(CamCli.BAD_INPUT);
        assertThat(spark.err()).contains("--spark needs the cam-spark build and Spark's jars");
        CliRun backends = CliRun.of("backends");
        assertThat(backends.out()).contains("onnx").doesNotContain("tensorflow");
    }
}
