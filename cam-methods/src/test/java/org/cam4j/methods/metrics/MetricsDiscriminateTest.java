package org.cam4j.methods.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cam4j.metrics.MetricContext;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.MnistDigits;
import org.cam4j.testdata.SharedData;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics can fail: on real pretrained MNIST CNNs over 200 digits (the stroke being the object), a gradient
 * method beats RandomCAM and the SobelCAM edge detector where a faithful metric says it should, and the
 * randomisation check flags SobelCAM, which ignores the model. One CNN and the digits ship in testdata (MIT, CC BY-SA
 * 3.0); the other is read from {@code ../shared} where present.
 */
class MetricsDiscriminateTest {
    private static final int DIGITS = 200;
    private static final String[] METHODS = {"LayerCAM", "RandomCAM", "SobelCAM"};

    @TempDir
    Path dir;

    private record Scores(double confidence, double road, double deletion, double pointing) {
    }

    private static Tensor digits(byte[] px, boolean signed) {
        Tensor x = Tensor.zeros(DIGITS, 1, 28, 28);
        for (int i = 0; i < px.length; i++) {
            float v = Byte.toUnsignedInt(px[i]) / 255f;
            x.put(i, signed ? (v - 0.5f) / 0.5f : v);
        }
        return x;
    }

    private static Tensor strokes(byte[] px) {
        Tensor s = Tensor.zeros(DIGITS, 28, 28);
        for (int i = 0; i < px.length; i++) {
            s.put(i, Byte.toUnsignedInt(px[i]) > 0 ? 1f : 0f);
        }
        return s;
    }

    private static Scores score(OnnxModel model, String method, String layer, Tensor x, List<Target> targets,
                                Tensor strokes) {
        try (Cam cam = new Cam(model, Methods.get(method), List.of(layer), CamOptions.defaults())) {
            Tensor maps = cam.compute(x, targets).cams();
            MetricContext context = new MetricContext(model, x, maps, targets, 50, List.of(20.0, 50.0, 80.0), 0, 0,
                    cam).withGroundTruth(strokes).withOptions(Map.of("steps", "16"));
            Scores s = new Scores(mean(new CamMultImageConfidenceChange().evaluate(context)),
                    mean(new RoadCombined().evaluate(context)), mean(new DeletionCurve().evaluate(context)),
                    mean(new PointingGame().evaluate(context)));
            System.out.printf("MNIST %s at %s over %d digits: confidence change %.3f, ROADCombined %.3f, deletion AUC"
                    + " %.3f, pointing game %.3f%n", method, layer, DIGITS, s.confidence(), s.road(), s.deletion(),
                    s.pointing());
            return s;
        }
    }

    private static double randomised(OnnxModel model, String method, String layer, Tensor x, List<Target> targets,
                                     int stages) {
        try (Cam cam = new Cam(model, Methods.get(method), List.of(layer), CamOptions.defaults())) {
            Tensor few = x.rows(0, 50).copy();
            Tensor maps = cam.compute(few, targets.subList(0, 50)).cams();
            MetricContext context = new MetricContext(model, few, maps, targets.subList(0, 50), 50, List.of(50.0), 0, 0,
                    cam).withOptions(Map.of("stages", String.valueOf(stages)));
            double r = mean(new ModelRandomization().evaluate(context));
            System.out.printf("MNIST %s at %s over 50 digits: Spearman r with the top %d layers randomised %.3f%n",
                    method, layer, stages, r);
            return r;
        }
    }

    @Test
    void onTheBundledCnnLayerCamBeatsRandomAndSobel() throws Exception {
        byte[] px = MnistDigits.images(MnistDigits.bundled(dir), DIGITS);
        Tensor x = digits(px, false);
        try (OnnxModel model = new OnnxBackend().open(TestFiles.copy(TestFiles.MNIST_CNN, dir),
                ModelOptions.defaults())) {
            List<Target> targets = Targets.resolve(Targets.topClass(DIGITS), model.predict(x));
            Scores[] s = new Scores[3];
            for (int m = 0; m < 3; m++) {
                s[m] = score(model, METHODS[m], "17", x, targets, strokes(px));
            }
            assertThat(s[0].deletion()).isLessThan(s[1].deletion()).isLessThan(s[2].deletion());
            assertThat(s[0].road()).isGreaterThan(s[1].road());
            assertThat(s[0].road()).isGreaterThan(s[2].road());
            assertThat(s[0].pointing()).isGreaterThan(s[1].pointing() + 0.2);
            // an edge detector points at a digit's strokes (it wins the pointing game); the randomisation check is
            // what tells it from an explanation
            assertThat(randomised(model, "SobelCAM", "17", x, targets, 6)).isEqualTo(1.0);
            assertThat(randomised(model, "LayerCAM", "17", x, targets, 6)).isLessThan(0.9);
        }
    }

    @Test
    void onTheSharedMnist8GradCamBeatsRandomAndSobel() throws Exception {
        assumeTrue(SharedData.fixtures().isPresent(), "../shared/fixtures not present");
        Path shared = SharedData.fixtures().get().resolve("Baskov-PyTorch-");
        byte[] px = MnistDigits.images(shared, DIGITS);
        Tensor x = digits(px, true);
        try (OnnxModel model = new OnnxBackend().open(shared.resolve("mnist-8.onnx"), ModelOptions.defaults())) {
            List<Target> targets = Targets.resolve(Targets.topClass(DIGITS), model.predict(x));
            String layer = "/relu_1/Relu_output_0";
            Scores grad = score(model, "GradCAM", layer, x, targets, strokes(px));
            Scores random = score(model, "RandomCAM", layer, x, targets, strokes(px));
            Scores sobel = score(model, "SobelCAM", layer, x, targets, strokes(px));
            assertThat(grad.confidence()).isGreaterThan(random.confidence());
            assertThat(grad.confidence()).isGreaterThan(sobel.confidence());
            assertThat(grad.road()).isGreaterThan(random.road());
            assertThat(grad.road()).isGreaterThan(sobel.road());
            assertThat(grad.deletion()).isLessThan(random.deletion()).isLessThan(sobel.deletion());
            assertThat(grad.pointing()).isGreaterThan(random.pointing() + 0.1);
            assertThat(randomised(model, "SobelCAM", layer, x, targets, 3)).isEqualTo(1.0);
            assertThat(randomised(model, "GradCAM", layer, x, targets, 3)).isLessThan(0.5);
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
