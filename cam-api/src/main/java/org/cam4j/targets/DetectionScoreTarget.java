package org.cam4j.targets;

import org.cam4j.detection.DetectionLayout;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * One detected object's evidence: the class score of the anchor that non-maximum suppression kept for it (YOLOv5:
 * objectness x class score; for softmax logits the class's log-odds, see {@link DetectionLayout#evidence}).
 * Explaining each detection with its own target gives each object its own CAM.
 */
public record DetectionScoreTarget(DetectionLayout layout, int anchor, int label) implements Target {
    @Override
    public double score(Tensor output) {
        return layout.evidence(output, check(output), label);
    }

    @Override
    public Tensor seed(Tensor output) {
        Tensor seed = Tensor.zeros(output.shape());
        layout.addEvidenceGradient(output, check(output), label, 1.0, seed);
        return seed;
    }

    private int check(Tensor output) {
        int anchors = layout.anchors(output);
        if (anchor < 0 || anchor >= anchors || label < 0 || label >= layout.classes(output)) {
            throw new InvalidInputException("detection target anchor " + anchor + " class " + label + " is outside"
                    + " the model's " + anchors + " anchors and " + layout.classes(output) + " classes");
        }
        return anchor;
    }

    @Override
    public boolean isLinear() {
        return layout.evidenceIsLinear();
    }
}
