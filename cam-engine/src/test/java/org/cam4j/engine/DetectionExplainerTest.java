package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.ImageFiles;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.BoxScoreTarget;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java entry point for detectors on the bundled UltraFace and its group photo (eleven faces above 0.99), checked
 * against the same maps computed one level down: the detector's own detections and {@link Cam} on their targets.
 */
class DetectionExplainerTest {
    private static final Path MODEL = BundledDetector.MODEL;
    private static final Path PHOTO = BundledDetector.PHOTO;

    private static BundledDetector bundled;
    private static DetectorOpening.Opened opened;
    private static ImageDetector detector;
    private static ImageDetector.Found found;

    @BeforeAll
    static void lowerLevel() {
        bundled = new BundledDetector();
        opened = bundled.opened;
        detector = bundled.detector;
        found = detector.detect(detector.prepare(PHOTO, PHOTO.toString(), ImageFiles.DEFAULT_MAX_PIXELS, null));
    }

    @AfterAll
    static void close() {
        bundled.close();
    }

    private static DetectionExplainer open(String method) {
        return Explainer.builder(MODEL).method(method).detections(0.99, 0.45, 100).buildDetector();
    }

    private static Tensor cam(String method, List<org.cam4j.targets.Target> target) {
        try (Cam cam = new Cam(opened.model(), Methods.get(method), detector.layers(), CamOptions.defaults())) {
            return detector.onPhoto(found, cam.compute(found.input(), target).cams().slice(0));
        }
    }

    @Test
    void oneMapForAllDetectionsIsTheBoxScoreTargetsCam() throws Exception {
        try (DetectionExplainer explainer = open("GradCAM")) {
            DetectionExplainer.Detections d = explainer.explain(PHOTO);
            assertThat(d.boxes()).hasSize(11);
            for (int k = 0; k < d.boxes().size(); k++) {
                Detection expected = found.detections().get(k);
                DetectionExplainer.Box box = d.boxes().get(k);
                assertThat(box.score()).isEqualTo(expected.score());
                assertThat(box.box()).containsExactly(detector.photoBox(found, expected));
                assertThat(box.map()).isNull();
            }
            DetectionLayout layout = opened.outputs().layout();
            Tensor expected = cam("GradCAM", List.of(new BoxScoreTarget(layout, new PostProcessing(0.99, 0.45, 100),
                    found.detections().stream().map(Detection::box).toList(),
                    found.detections().stream().mapToInt(Detection::label).toArray(), ImageDetector.MATCH_IOU)));
            assertThat(d.map().maxAbsDiff(expected)).isLessThan(1e-6);
            BufferedImage overlay = d.overlay();
            assertThat(overlay.getWidth()).isEqualTo(found.photo().width());
            assertThat(overlay.getHeight()).isEqualTo(found.photo().height());
            // a BufferedImage of the same file gives the same answer
            DetectionExplainer.Detections fromImage = explainer.explain(ImageIO.read(PHOTO.toFile()));
            assertThat(fromImage.map().maxAbsDiff(d.map())).isZero();
            assertThat(explainer.layers()).isEqualTo(detector.layers());
        }
    }

    @Test
    void eachDetectionsMapIsItsOwnScoresCam() {
        try (DetectionExplainer explainer = open("HiResCAM")) {
            DetectionExplainer.Detections d = explainer.explainEach(PHOTO);
            assertThat(d.map()).isNull();
            for (int k : new int[] {0, 9}) {
                Detection det = found.detections().get(k);
                Tensor expected = cam("HiResCAM", List.of(new DetectionScoreTarget(opened.outputs().layout(),
                        det.anchor(), det.label())));
                assertThat(d.boxes().get(k).map().maxAbsDiff(expected)).as("box %d", k).isLessThan(1e-6);
                assertThat(d.boxes().get(k).overlay().getWidth()).isEqualTo(found.photo().width());
            }
        }
        // a method of the activations alone gives every detection the photo's one map
        try (DetectionExplainer explainer = open("EigenCAM")) {
            DetectionExplainer.Detections d = explainer.explainEach(PHOTO);
            assertThat(d.map()).isNotNull();
            assertThat(d.boxes()).allMatch(b -> b.map() == d.map());
        }
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> Explainer.builder(MODEL).detections(1.5, 0.45, 100))
                .hasMessageContaining("scoreThreshold must be in [0, 1]");
        assertThatThrownBy(() -> Explainer.builder(DefaultModel.model()).buildDetector())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
