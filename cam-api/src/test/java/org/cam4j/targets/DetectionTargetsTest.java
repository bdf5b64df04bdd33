package org.cam4j.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.PostProcessing;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The detection targets' seeds are the derivatives of their scores (central differences on random outputs). */
class DetectionTargetsTest {
    @Test
    void boxScoreTargetMatchesTheReferenceRuleAndItsGradient() {
        for (String spec : new String[] {"yolov5", "yolov8", "ssd,cxcywh,pixels", "yolov8,xywh", "ssd,cxcywh,pixels,logits"}) {
            DetectionLayout layout = DetectionLayout.parse(spec);
            Tensor out = output(layout, new Random(spec.hashCode()));
            PostProcessing post = new PostProcessing(layout.logits() ? 0.2 : 0.3, 0.5, 0);
            var detections = post.detect(out, layout);
            assertThat(detections).as(spec).isNotEmpty();
            var d = detections.get(0);
            double[] ref = {d.box()[0] + 0.7, d.box()[1] - 0.4, d.box()[2] + 1.3, d.box()[3] + 0.2};
            BoxScoreTarget t = new BoxScoreTarget(layout, post, List.of(ref), new int[] {d.label()}, 0.3);
            double iou = org.cam4j.detection.Boxes.iou(ref, d.box());
            assertThat(t.score(out)).as(spec).isCloseTo(iou + d.score(), within(1e-9));
            assertThat(new BoxScoreTarget(layout, post, List.of(ref), new int[] {d.label() + 1}, 0.3).score(out))
                    .as("another class matches nothing").isZero();
            checkSeed(t, out, spec);
            checkSeed(new DetectionScoreTarget(layout, d.anchor(), d.label()), out, spec);
        }
    }

    /**
     * The reference's FasterRCNNBoxScoreTarget on torchvision's own detections (rows of box, score, label): every row
     * counts whatever its score, each reference box takes the row of highest IoU, which must carry its label.
     */
    @Test
    void torchvisionRowsAreMatchedAsTheReferenceDoes() {
        Tensor out = Tensor.of(new float[] {
            10, 10, 50, 60, 0.9f, 3,
            12, 10, 52, 60, 0.8f, 7, // overlaps row 0 with another label: torchvision's NMS is class-wise
            100, 40, 140, 90, 0.05f, 3}, 3, 6);
        Target t = Targets.custom("boxes:torchvision:3@10.5,10,50.5,61;3@101,41,139,90");
        double[] row2 = {100, 40, 140, 90};
        double expected = org.cam4j.detection.Boxes.iou(new double[] {10.5, 10, 50.5, 61}, new double[] {10, 10, 50, 60})
                + 0.9 + org.cam4j.detection.Boxes.iou(new double[] {101, 41, 139, 90}, row2) + 0.05;
        assertThat(t.score(out)).isCloseTo(expected, within(1e-6));
        assertThat(t.isLinear()).isFalse();
        // the best-overlapping row for this reference is row 1, label 7: the reference's rule scores nothing for it
        assertThat(Targets.custom("boxes:torchvision:3@12,10,52,60").score(out)).isZero();
        checkSeed(t, out, "torchvision");
        Target one = Targets.custom("detection:torchvision:2:3");
        assertThat(one.score(out)).isCloseTo(0.05, within(1e-7));
        assertThat(one.isLinear()).as("its row is known only after a run").isFalse();
        assertThat(Targets.custom("detection:torchvision:2:4").score(out)).as("another label").isZero();
        checkSeed(one, out, "torchvision");
    }

    @Test
    void pluginSpecsBuildTheTargets() {
        assertThat(Targets.custom("detection:ssd:12:1")).isEqualTo(new DetectionScoreTarget(
                DetectionLayout.parse("ssd"), 12, 1));
        Target boxes = Targets.custom("boxes:yolov8:0@1,2,30,40;2@5,5,9,9:score=0.25,iou=0.4");
        assertThat(boxes).isInstanceOf(BoxScoreTarget.class);
        assertThat(((BoxScoreTarget) boxes).labels()).containsExactly(0, 2);
        assertThat(((BoxScoreTarget) boxes).postProcessing().scoreThreshold()).isEqualTo(0.25);
    }

    private static void checkSeed(Target t, Tensor out, String spec) {
        Tensor seed = t.seed(out);
        for (int i = 0; i < out.size(); i++) {
            double eps = 1e-3;
            Tensor plus = out.copy();
            Tensor minus = out.copy();
            plus.put(i, out.at(i) + (float) eps);
            minus.put(i, out.at(i) - (float) eps);
            double fd = (t.score(plus) - t.score(minus)) / (2 * eps);
            assertThat(seed.at(i)).as("%s %s element %d", spec, t.getClass().getSimpleName(), i)
                    .isCloseTo((float) fd, within(2e-3f));
        }
    }

    /** Six anchors of two classes: boxes in pixels 30 apart along x, scores in (0, 1). */
    private static Tensor output(DetectionLayout layout, Random r) {
        int anchors = 6;
        int classes = 2 + layout.firstLabel();
        int columns = (layout.kind() == DetectionLayout.Kind.YOLOV5 ? 5 : 4) + classes;
        float[] rows = new float[anchors * columns];
        for (int a = 0; a < anchors; a++) {
            float[] box = {18 + 30 * a + 4 * r.nextFloat(), 18 + 4 * r.nextFloat(), 10 + 4 * r.nextFloat(),
                10 + 4 * r.nextFloat()};
            if (layout.format() == org.cam4j.detection.BoxFormat.XYXY) {
                box[2] += box[0];
                box[3] += box[1];
            }
            System.arraycopy(box, 0, rows, a * columns, 4);
            for (int c = 4; c < columns; c++) {
                rows[a * columns + c] = 0.2f + 0.75f * r.nextFloat();
            }
        }
        Tensor t = Tensor.of(rows, anchors, columns);
        if (layout.kind() != DetectionLayout.Kind.YOLOV8) {
            return t;
        }
        Tensor transposed = Tensor.zeros(columns, anchors);
        for (int a = 0; a < anchors; a++) {
            for (int c = 0; c < columns; c++) {
                transposed.put(c * anchors + a, t.at(a * columns + c));
            }
        }
        return transposed;
    }

    @org.junit.jupiter.api.Test
    void invertedEmptyOrNonNumericReferenceBoxesAreRefused() {
        for (String box : new String[] {"0@30,2,1,40", "0@1,2,1,40", "0@1,40,30,2", "0@1,2,NaN,40", "0@1,2,x,40"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Targets.custom("boxes:yolov8:" + box))
                    .as(box).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxes: ");
        }
    }
}
