package org.cam4j.methods.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.cam4j.metrics.MetricContext;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.target.Target;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.MnistDigits;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The metrics can fail: on a real pretrained MNIST CNN ({@code ../shared/fixtures}, skipped where absent) over 200
 * digits, Grad-CAM's maps score better than RandomCAM's and SobelCAM's by the confidence kept when the digit is
 * multiplied by its map, and by ROADCombined.
 */
class MetricsDiscriminateTest {
    private static final int DIGITS = 200;

    @Test
    void gradCamBeatsRandomAndSobelOnARealModel() throws Exception {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures not present");
        Path dir = SharedData.fixtures().get().resolve("Baskov-PyTorch-");
        byte[] px = MnistDigits.images(dir, DIGITS);
        Tensor x = Tensor.zeros(DIGITS, 1, 28, 28);
        for (int i = 0; i < px.length; i++) {
            x.put(i, (Byte.toUnsignedInt(px[i]) / 255f - 0.5f) / 0.5f);
        }
        try (OnnxModel model = new OnnxBackend().open(dir.resolve("mnist-8.onnx"), ModelOptions.defaults())) {
            List<Target> targets = Targets.resolve(Targets.topClass(DIGITS), model.predict(x));
            double[] confidence = new double[3];
            double[] road = new double[3];
            String[] methods = {"GradCAM", "RandomCAM", "SobelCAM"};
            for (int m = 0; m < methods.length; m++) {
                try (Cam cam = new Cam(model, Methods.get(methods[m]), List.of("/relu_1/Relu_output_0"),
                        CamOptions.defaults())) {
                    Tensor maps = cam.compute(x, targets).cams();
                    MetricContext context = new MetricContext(model, x, maps, targets, 50, List.of(20.0, 50.0, 80.0),
                            0, 0, cam);
                    confidence[m] = mean(new CamMultImageConfidenceChange().evaluate(context));
                    road[m] = mean(new RoadCombined().evaluate(context));
                }
                System.out.printf("MNIST %s over %d digits: confidence change %.3f, ROADCombined %.3f%n", methods[m],
                        DIGITS, confidence[m], road[m]);
            }
            assertThat(confidence[0]).isGreaterThan(confidence[1]);
            assertThat(confidence[0]).isGreaterThan(confidence[2]);
            assertThat(road[0]).isGreaterThan(road[1]);
            assertThat(road[0]).isGreaterThan(road[2]);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
