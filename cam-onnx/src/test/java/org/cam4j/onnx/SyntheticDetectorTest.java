package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.DetectorOutputs;
import org.cam4j.detection.PostProcessing;
import org.cam4j.model.GradientChecks;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.BoxScoreTarget;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticDetectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated YOLOv5- and YOLOv8-layout detectors: layout recognised, levels found, target gradients exact. */
class SyntheticDetectorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"yolov5", "yolov8"})
    void layoutLevelsAndTargetGradients(String kind) throws Exception {
        Path file = dir.resolve(kind + ".onnx");
        Files.write(file, (kind.equals("yolov5") ? SyntheticDetectors.yolov5(7) : SyntheticDetectors.yolov8(7))
                .toByteArray());
        try (OnnxModel m = new OnnxModel(file, ModelOptions.defaults())) {
            DetectorOutputs outputs = DetectorOutputs.choose(m.outputs(), "auto");
            assertThat(outputs.layout()).isEqualTo(DetectionLayout.parse(kind));
            assertThat(m.detectorLevels()).containsExactly(SyntheticDetectors.P3, SyntheticDetectors.P4);
            Tensor x = Tensor.zeros(2, 3, 32, 32);
            java.util.Random r = new java.util.Random(5);
            for (int i = 0; i < x.size(); i++) {
                x.put(i, (float) r.nextGaussian());
            }
            PostProcessing post = new PostProcessing(0.2, 0.45, 0);
            Tensor out = m.predict(x);
            List<Target> boxes = new java.util.ArrayList<>();
            List<Target> single = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<Detection> found = post.detect(out.slice(i), outputs.layout());
                assertThat(found).as("detections in image %d", i).isNotEmpty();
                for (Detection d : found) {
                    // decoded boxes lie in input pixels around their cell
                    assertThat(d.box()[2]).isGreaterThan(d.box()[0]);
                    assertThat((d.box()[0] + d.box()[2]) / 2).isBetween(0.0, 32.0);
                }
                // references near the best detection of each level (a random model's many near-equal scores make
                // the suppression of weaker ones flip under the differences' steps)
                List<Detection> best = new java.util.ArrayList<>();
                found.stream().filter(d -> d.anchor() < 64).findFirst().ifPresent(best::add);
                found.stream().filter(d -> d.anchor() >= 64).findFirst().ifPresent(best::add);
                assertThat(best).hasSize(2);
                boxes.add(new BoxScoreTarget(outputs.layout(), post, best.stream().map(d -> new double[] {
                    d.box()[0] + 0.7, d.box()[1] - 0.4, d.box()[2] + 0.3, d.box()[3] + 0.9}).toList(),
                        best.stream().mapToInt(Detection::label).toArray(), 0.3));
                single.add(new DetectionScoreTarget(outputs.layout(), found.get(0).anchor(), found.get(0).label()));
            }
            for (String layer : List.of(SyntheticDetectors.P3, SyntheticDetectors.P4)) {
                GradientChecks.layerGradientMatchesHeadDifferences(m, layer, boxes, x, 10);
            }
            GradientChecks.layerGradientMatchesHeadDifferences(m, SyntheticDetectors.P3, single, x, 10);
        }
    }
}
