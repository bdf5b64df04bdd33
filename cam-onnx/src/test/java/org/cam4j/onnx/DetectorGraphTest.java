package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.tensor.Layout;
import org.cam4j.model.ModelOptions;
import org.cam4j.model.GradientChecks;
import org.cam4j.targets.BoxScoreTarget;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real UltraFace detector: its outputs joined and read as logits, its pyramid levels, box-target gradients. */
class DetectorGraphTest {
    @TempDir
    static Path dir;
    static Path model;
    static Tensor photos;

    @BeforeAll
    static void files() {
        model = TestFiles.ultraface(dir);
        Preprocessing pre = new Preprocessing(240, 320, 0, 0, 255f, new float[] {127, 127, 127},
                new float[] {128, 128, 128}, Layout.NCHW);
        photos = pre.batch(List.of(ImageFiles.read(model.resolveSibling("2.jpg")),
                ImageFiles.read(model.resolveSibling("13.jpg"))));
    }

    private static OnnxModel open(String outputs) {
        return new OnnxModel(model, new ModelOptions("cpu", 0, null, true, Map.of(ModelOptions.OUTPUTS, outputs)));
    }

    @Test
    void boxesAndScoresJoinAndTheScoresReadAsLogitsBeforeTheSoftmax() {
        try (OnnxModel plain = new OnnxModel(model, ModelOptions.defaults());
             OnnxModel joined = open("boxes,scores");
             OnnxModel logits = open("boxes,scores:logits")) {
            assertThat(plain.outputs()).extracting(t -> t.name()).containsExactly("scores", "boxes");
            assertThat(plain.outputIsSoftmax("scores")).isTrue();
            assertThat(plain.outputIsSoftmax("boxes")).isFalse();
            Tensor x = photos.rows(0, 1);
            Tensor scores = plain.predict(x).slice(0);
            Tensor j = joined.predict(x).slice(0);
            Tensor l = logits.predict(x).slice(0);
            assertThat(j.shape()).containsExactly(4420, 6);
            DetectionLayout probabilities = DetectionLayout.parse("ssd");
            DetectionLayout fromLogits = DetectionLayout.parse("ssd,logits");
            for (int a = 0; a < 4420; a += 7) {
                assertThat(j.at(a * 6 + 5)).isEqualTo(scores.at(a * 2 + 1));
                assertThat(fromLogits.score(l, a, 1)).isCloseTo(probabilities.score(j, a, 1), within(1e-5));
                assertThat(fromLogits.box(l, a)).containsExactly(probabilities.box(j, a), within(1e-6));
            }
        }
        assertThatThrownBy(() -> open("boxes,logits")).hasMessageContaining("has no output or computed tensor 'logits'")
                .hasMessageContaining("[scores, boxes]");
        assertThatThrownBy(() -> open("boxes:logits")).hasMessageContaining("'boxes' is not made by a Softmax");
    }

    @Test
    void pyramidLevelsAreTheMapsTheFourHeadsRead() {
        try (OnnxModel m = new OnnxModel(model, ModelOptions.defaults())) {
            // strides 8, 16, 32, 64: the maps 30 x 40, 15 x 20, 8 x 10, 4 x 5 that feed a class and a box head each
            assertThat(m.detectorLevels()).containsExactly("314", "360", "400", "434");
        }
    }

    @Test
    void boxAndDetectionTargetGradientsEqualCentralDifferences() {
        DetectionLayout layout = DetectionLayout.parse("ssd,logits");
        PostProcessing post = new PostProcessing(0.7, 0.3, 0);
        try (OnnxModel m = open("boxes,scores:logits")) {
            Tensor out = m.predict(photos);
            List<Target> boxTargets = new ArrayList<>();
            List<Target> detectionTargets = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<Detection> found = post.detect(out.slice(i), layout);
                assertThat(found).isNotEmpty();
                // references shifted off the detections, so the IoU is differentiable there (not at its maximum)
                List<double[]> refs = found.stream().map(d -> new double[] {d.box()[0] + 0.004, d.box()[1] - 0.003,
                    d.box()[2] + 0.002, d.box()[3] + 0.005}).toList();
                boxTargets.add(new BoxScoreTarget(layout, post, refs, found.stream().mapToInt(Detection::label)
                        .toArray(), 0.5));
                detectionTargets.add(new DetectionScoreTarget(layout, found.get(0).anchor(), found.get(0).label()));
            }
            for (String layer : List.of("314", "360")) {
                GradientChecks.layerGradientMatchesHeadDifferences(m, layer, boxTargets, photos, 10);
            }
            // one detection's score reaches back only through its own level's head: 314 feeds all four
            GradientChecks.layerGradientMatchesHeadDifferences(m, "314", detectionTargets, photos, 10);
        }
    }
}
