package org.cam4j.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.cam4j.image.InputGeometry;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Decoding hand-built outputs of each layout, then thresholding and class-wise NMS. */
class PostProcessingTest {
    private final PostProcessing post = new PostProcessing(0.5, 0.3, 0);

    @Test
    void ssdRowsAreCornersThenScoresWithBackgroundFirst() {
        // 4 anchors x (4 box + 3 classes: background, face, mask)
        Tensor out = Tensor.of(new float[] {
            0.10f, 0.10f, 0.30f, 0.30f, 0.1f, 0.9f, 0.0f,
            0.11f, 0.10f, 0.31f, 0.30f, 0.2f, 0.8f, 0.0f, // overlaps anchor 0, same class: suppressed
            0.12f, 0.10f, 0.32f, 0.30f, 0.3f, 0.1f, 0.6f, // overlaps too but another class: kept
            0.60f, 0.60f, 0.90f, 0.80f, 0.6f, 0.4f, 0.0f}, 4, 7); // background only
        List<Detection> d = post.detect(out, DetectionLayout.parse("ssd"));
        assertThat(d).extracting(Detection::anchor).containsExactly(0, 2);
        assertThat(d).extracting(Detection::label).containsExactly(1, 2);
        assertThat(d.get(0).score()).isCloseTo(0.9, within(1e-6));
        assertThat(DetectionLayout.parse("ssd").toInputPixels(d.get(0).box(), 320, 240))
                .containsExactly(new double[] {32, 24, 96, 72}, within(1e-4));
    }

    @Test
    void torchvisionRowsAreTheModelsOwnDetectionsInItsOrder() {
        // rows of x1, y1, x2, y2 (input pixels), score, label, after the model's own NMS
        Tensor out = Tensor.of(new float[] {
            10, 10, 50, 50, 0.9f, 3,
            11, 10, 51, 50, 0.8f, 3, // overlaps row 0 with its label: the model kept it, so it stays
            60, 60, 90, 90, 0.4f, 1, // under the threshold
            70, 20, 99, 40, 0.7f, 18}, 4, 6);
        DetectionLayout layout = DetectionLayout.parse("torchvision");
        assertThat(layout.spec()).isEqualTo("torchvision,xyxy,pixels");
        List<Detection> d = post.detect(out, layout);
        assertThat(d).extracting(Detection::anchor).containsExactly(0, 1, 3);
        assertThat(d).extracting(Detection::label).containsExactly(3, 3, 18);
        assertThat(d.get(2).box()).containsExactly(70, 20, 99, 40);
        assertThat(new PostProcessing(0.5, 0.3, 2).detect(out, layout)).extracting(Detection::anchor)
                .containsExactly(0, 1);
        assertThat(layout.classes(out)).isEqualTo(19);
        assertThatThrownBy(() -> post.detect(Tensor.zeros(4, 7), layout)).hasMessageContaining(
                "detections x (4 box + score + label)");
    }

    @Test
    void torchvisionOutputsAreRecognisedByNameAndShape() {
        List<org.cam4j.tensor.TensorInfo> outputs = List.of(
                new org.cam4j.tensor.TensorInfo("boxes", new long[] {1, -1, 4}, org.cam4j.tensor.Layout.NCHW),
                new org.cam4j.tensor.TensorInfo("labels", new long[] {1, -1}, org.cam4j.tensor.Layout.NCHW),
                new org.cam4j.tensor.TensorInfo("scores", new long[] {1, -1}, org.cam4j.tensor.Layout.NCHW));
        DetectorOutputs chosen = DetectorOutputs.choose(outputs, "auto");
        assertThat(chosen.layout().kind()).isEqualTo(DetectionLayout.Kind.TORCHVISION);
        assertThat(chosen.outputs()).containsExactly("boxes", "scores", "labels");
        assertThat(DetectorOutputs.choose(outputs, "torchvision").outputs()).containsExactly("boxes", "scores",
                "labels");
        assertThatThrownBy(() -> DetectorOutputs.choose(outputs.subList(0, 2), "torchvision"))
                .hasMessageContaining("do not fit the torchvision layout");
    }

    @Test
    void yolov5ConfidenceIsObjectnessTimesClassAndBoxesAreCentreSize() {
        // 3 anchors x (cx, cy, w, h, obj, 2 classes), in input pixels
        Tensor out = Tensor.of(new float[] {
            50, 50, 20, 40, 0.9f, 0.2f, 0.8f,
            52, 50, 20, 40, 0.5f, 0.1f, 0.9f, // 0.45: under the threshold
            10, 10, 4, 4, 0.95f, 0.7f, 0.1f}, 3, 7);
        DetectionLayout layout = DetectionLayout.parse("yolov5");
        List<Detection> d = post.detect(out, layout);
        assertThat(d).extracting(Detection::anchor).containsExactly(0, 2);
        assertThat(d).extracting(Detection::label).containsExactly(1, 0);
        assertThat(d.get(0).score()).isCloseTo(0.72, within(1e-6));
        assertThat(d.get(0).box()).containsExactly(40, 30, 60, 70);
    }

    @Test
    void yolov8IsTransposedWithoutObjectness() {
        // (4 + 2 classes) x 3 anchors
        Tensor out = Tensor.of(new float[] {
            50, 51, 10,   // cx
            50, 50, 10,   // cy
            20, 20, 4,    // w
            40, 40, 4,    // h
            0.1f, 0.2f, 0.7f,
            0.8f, 0.75f, 0.1f}, 6, 3);
        List<Detection> d = post.detect(out, DetectionLayout.parse("yolov8"));
        assertThat(d).extracting(Detection::anchor).containsExactly(0, 2);
        assertThat(d.get(1).box()).containsExactly(8, 8, 12, 12);
        assertThat(new PostProcessing(0.5, 0.3, 1).detect(out, DetectionLayout.parse("yolov8"))).hasSize(1);
    }

    @Test
    void layoutsParseAndRefuseOutputsThatDoNotFit() {
        assertThat(DetectionLayout.parse("yolov8,xyxy,normalized").spec()).isEqualTo("yolov8,xyxy,normalized");
        assertThat(DetectionLayout.parse("ssd").spec()).isEqualTo("ssd,xyxy,normalized");
        assertThatThrownBy(() -> DetectionLayout.parse("retina")).hasMessageContaining("unknown detection layout"
                + " 'retina'");
        assertThatThrownBy(() -> post.detect(Tensor.zeros(10), DetectionLayout.parse("yolov5")))
                .hasMessageContaining("anchors x (5 + classes)").hasMessageContaining("layout");
    }

    @Test
    void letterboxMapsBoxesBackToThePhoto() {
        InputGeometry g = InputGeometry.letterbox(1280, 720, 640, 640);
        assertThat(g.scaleX()).isEqualTo(0.5);
        assertThat(g.padY()).isEqualTo(140);
        double[] photo = {100, 200, 300, 400};
        assertThat(g.toPhoto(g.toInput(photo))).containsExactly(photo, within(1e-9));
        org.cam4j.image.RgbImage boxed = g.letterboxed(new org.cam4j.image.RgbImage(Tensor.zeros(720, 1280, 3)));
        assertThat(boxed.height()).isEqualTo(640);
        assertThat(boxed.pixels().at(0)).isCloseTo(114f / 255f, within(1e-6f));
        assertThat(boxed.pixels().at((320 * 640 + 320) * 3)).isZero();
        InputGeometry r = InputGeometry.resize(640, 480, 320, 240);
        assertThat(r.toPhoto(new double[] {32, 24, 400, 72})).containsExactly(64, 48, 640, 144);
    }

    @Test
    void renormalisationScalesInsideEachBoxAndZeroesOutside() {
        Tensor cam = Tensor.of(new float[] {
            0, 1, 2, 3,
            4, 5, 6, 7,
            8, 9, 10, 11}, 3, 4);
        Tensor r = BoxRenormalization.apply(cam, List.of(new double[] {0, 0, 2, 2}));
        assertThat(r.toArray()).containsExactly(new float[] {0, 0.2f, 0, 0, 0.8f, 1, 0, 0, 0, 0, 0, 0},
                within(1e-5f));
    }

    @Test
    void layoutsAreRecognisedFromOutputShapes() {
        var ssd = DetectorOutputs.choose(List.of(info("scores", 1, 4420, 2), info("boxes", 1, 4420, 4)), "auto");
        assertThat(ssd.layout().kind()).isEqualTo(DetectionLayout.Kind.SSD);
        assertThat(ssd.outputs()).containsExactly("boxes", "scores");
        assertThat(DetectorOutputs.choose(List.of(info("output0", 1, 25200, 85)), null).layout().kind())
                .isEqualTo(DetectionLayout.Kind.YOLOV5);
        assertThat(DetectorOutputs.choose(List.of(info("output0", 1, 84, 8400)), "auto").layout().kind())
                .isEqualTo(DetectionLayout.Kind.YOLOV8);
        assertThat(DetectorOutputs.choose(List.of(info("output0", -1, 84, -1)), "auto").layout().kind())
                .isEqualTo(DetectionLayout.Kind.YOLOV8);
        assertThat(DetectorOutputs.choose(List.of(info("output0", 1, 25200, 85)), "yolov5,xyxy").layout().spec())
                .isEqualTo("yolov5,xyxy,pixels");
        assertThatThrownBy(() -> DetectorOutputs.choose(List.of(info("output0", 1, 84, 8400)), "yolov5"))
                .hasMessageContaining("do not fit the yolov5 layout");
        assertThatThrownBy(() -> DetectorOutputs.choose(List.of(info("logits", 1, 1000)), "auto"))
                .hasMessageContaining("'logits' [1, 1000] do not look like a detector's")
                .hasMessageContaining("layout");
    }

    private static org.cam4j.tensor.TensorInfo info(String name, long... shape) {
        return new org.cam4j.tensor.TensorInfo(name, shape, org.cam4j.tensor.Layout.NCHW);
    }
}
