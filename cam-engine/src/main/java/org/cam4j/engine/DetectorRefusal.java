package org.cam4j.engine;

import java.util.List;
import java.util.Locale;
import org.cam4j.detection.DetectorOutputs;
import org.cam4j.model.ExplainableModel;
import org.cam4j.targets.Targets;

/**
 * A detector used where class scores are expected gives meaningless maps and numbers (its top "class" is one value
 * among anchors x columns, a box coordinate as likely as a score): refused in one line, unless detection targets are
 * given on an output that needs no joining, with the fix that fits each command.
 */
public final class DetectorRefusal {
    /** Where the detector was given: each has its own way to explain one. */
    public enum Where {
        /** {@code cam explain}. */
        EXPLAIN,
        /** {@code cam evaluate}. */
        EVALUATE,
        /** {@code cam batch} without {@code task: detection}. */
        BATCH,
        /** A {@code cam serve} request. */
        SERVE,
        /** {@code cam dff}. */
        DFF
    }

    private static final String TARGETS = "detection:LAYOUT:ANCHOR:CLASS or boxes:LAYOUT:CLASS@x1,y1,x2,y2";

    private DetectorRefusal() {
    }

    /**
     * Whether target specs are given and all of them are detection targets (any name or alias of such a type).
     *
     * @param targetSpecs the specs, or null
     * @return whether they read a detector's outputs
     */
    static boolean allDetectionTargets(List<String> targetSpecs) {
        return targetSpecs != null && !targetSpecs.isEmpty()
                && targetSpecs.stream().allMatch(t -> Targets.isDetection(Targets.custom(t)));
    }

    /** Throws when {@code model} is a detector and {@code targetSpecs} (null: none) are not all detection targets. */
    public static void check(ExplainableModel model, String name, List<String> targetSpecs, Where where) {
        var recognised = DetectorOpening.recognise(model);
        if (recognised.isEmpty()) {
            return;
        }
        DetectorOutputs d = recognised.get();
        // one output read as a whole, or one the door chose and joined (a torchvision detector's detections, which
        // DetectorOpening.forDetectionTargets opens for such targets)
        boolean oneOutput = d.outputs().equals(List.of(model.output().name()))
                || model.outputs().stream().noneMatch(o -> o.name().equals(model.output().name()))
                || d.layout().kind() == org.cam4j.detection.DetectionLayout.Kind.TORCHVISION && where != Where.SERVE;
        // the targets as their providers make them (any name or alias of a detection target type)
        if (allDetectionTargets(targetSpecs) && oneOutput && where != Where.BATCH) {
            return;
        }
        String detector = name + " is an object detector (" + d.layout().kind().name().toLowerCase(Locale.ROOT)
                + " outputs " + d.outputs() + "); ";
        throw new RequestException(detector + switch (where) {
            case EXPLAIN -> "explain it with 'cam detect --model " + name + "' (--per-box for one CAM per detection)"
                    + (oneOutput ? ", or give --target " + TARGETS : "");
            case EVALUATE -> oneOutput ? "its outputs are no class scores: evaluate it with --target " + TARGETS
                    + " ('cam detect --json' lists the detections' anchors and classes)"
                    : "metrics of detectors whose detections span several outputs are not supported yet; 'cam detect'"
                    + " explains it";
            case BATCH -> "add 'task: detection' to the YAML to explain its detections";
            case SERVE -> "explain it with 'cam detect'" + (oneOutput ? ", or give targets " + TARGETS : "");
            case DFF -> "explain it with 'cam detect --model " + name + "' (deep feature factorisation scores its"
                    + " concepts with a classifier's head)";
        });
    }
}
