package org.cam4j.targets;

import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.tensor.Npy;
import org.cam4j.errors.InvalidInputException;

/**
 * The built-in target types by name, for {@code --target NAME:SPEC}: {@code class:281}, {@code softmax:281},
 * {@code binary:1}, {@code raw} (sum of all outputs), {@code rest:281} (ReST), {@code softmax_output} (the sum of every
 * probability), {@code segmentation:CLASS:mask.npy}, {@code similarity:concept.npy}; for detectors
 * {@code detection:LAYOUT:ANCHOR:CLASS} (one detection) and {@code boxes:LAYOUT:CLASS@x1,y1,x2,y2;...} (the
 * reference's box-score target).
 */
public final class BuiltinTargets {
    private BuiltinTargets() {
    }

    static int integer(String spec, String what) {
        try {
            return Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(what + " takes an integer class, got '" + spec + "'");
        }
    }

    /** {@code class:C}: the logit of class C. */
    @AutoService(TargetProvider.class)
    public static final class ClassLogit implements TargetProvider {
        public String name() {
            return "class";
        }

        public List<String> aliases() {
            return List.of("logit", "ClassifierOutputTarget");
        }

        public Target create(String spec) {
            return new ClassifierOutputTarget(integer(spec, "class:"));
        }
    }

    /** {@code softmax:C}: the softmax probability of class C. */
    @AutoService(TargetProvider.class)
    public static final class Softmax implements TargetProvider {
        public String name() {
            return "softmax";
        }

        public List<String> aliases() {
            return List.of("ClassifierOutputSoftmaxTarget");
        }

        public Target create(String spec) {
            return new SoftmaxTarget(integer(spec, "softmax:"));
        }
    }

    /** {@code rest:C}: the reference's ReST score of class C. */
    @AutoService(TargetProvider.class)
    public static final class ReSt implements TargetProvider {
        public String name() {
            return "rest";
        }

        public List<String> aliases() {
            return List.of("ClassifierOutputReST");
        }

        public Target create(String spec) {
            return new ReStTarget(integer(spec, "rest:"));
        }
    }

    /** {@code softmax_output}: the sum of every class probability. */
    @AutoService(TargetProvider.class)
    public static final class SoftmaxOutput implements TargetProvider {
        public String name() {
            return "softmax_output";
        }

        public List<String> aliases() {
            return List.of("SoftmaxOutputTarget");
        }

        public Target create(String spec) {
            return new SoftmaxOutputTarget();
        }
    }

    /** {@code binary:0|1}: a single-output binary classifier's score for that class. */
    @AutoService(TargetProvider.class)
    public static final class Binary implements TargetProvider {
        public String name() {
            return "binary";
        }

        public List<String> aliases() {
            return List.of("BinaryClassifierOutputTarget");
        }

        public Target create(String spec) {
            return new BinaryClassifierTarget(integer(spec, "binary:"));
        }
    }

    /** {@code raw}: the sum of every output. */
    @AutoService(TargetProvider.class)
    public static final class Raw implements TargetProvider {
        public String name() {
            return "raw";
        }

        public List<String> aliases() {
            return List.of("RawScoresOutputTarget");
        }

        public Target create(String spec) {
            return new AllOutputs();
        }
    }

    /** The sum of every output, whatever the output's shape. */
    record AllOutputs() implements Target {
        @Override
        public double score(org.cam4j.tensor.Tensor output) {
            double s = 0;
            for (int i = 0; i < output.size(); i++) {
                s += output.at(i);
            }
            return s;
        }

        @Override
        public org.cam4j.tensor.Tensor seed(org.cam4j.tensor.Tensor output) {
            return RawScoresTarget.allOnes(output.shape()).weights();
        }

        @Override
        public boolean isLinear() {
            return true;
        }
    }

    /** {@code segmentation:C:mask.npy}: class C's scores summed over a mask (reads a file). */
    @AutoService(TargetProvider.class)
    public static final class Segmentation implements TargetProvider {
        public String name() {
            return "segmentation";
        }

        public List<String> aliases() {
            return List.of("SemanticSegmentationTarget");
        }

        @Override
        public boolean readsFiles() {
            return true;
        }

        public Target create(String spec) {
            return create(spec, Path.of(""));
        }

        @Override
        public Target create(String spec, Path folder) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw new InvalidInputException("segmentation takes CLASS:mask.npy, got '" + spec + "'");
            }
            return new SemanticSegmentationTarget(integer(spec.substring(0, colon), "segmentation:"),
                    Npy.read(folder.resolve(spec.substring(colon + 1))));
        }
    }

    /** {@code similarity:concept.npy}: cosine similarity of the output to a concept vector (reads a file). */
    @AutoService(TargetProvider.class)
    public static final class Similarity implements TargetProvider {
        public String name() {
            return "similarity";
        }

        public List<String> aliases() {
            return List.of("SimilarityToConceptTarget");
        }

        @Override
        public boolean readsFiles() {
            return true;
        }

        public Target create(String spec) {
            return create(spec, Path.of(""));
        }

        @Override
        public Target create(String spec, Path folder) {
            return new SimilarityTarget(Npy.read(folder.resolve(spec)));
        }
    }

    /** {@code detection:LAYOUT:ANCHOR:CLASS}: one detection's evidence. */
    @AutoService(TargetProvider.class)
    public static final class DetectionScore implements TargetProvider {
        public String name() {
            return "detection";
        }

        /** {@code LAYOUT:ANCHOR:CLASS}, e.g. {@code ssd:1203:1} or {@code yolov8,xyxy:8120:0}. */
        public Target create(String spec) {
            String[] p = spec.split(":");
            if (p.length != 3) {
                throw new InvalidInputException("detection takes LAYOUT:ANCHOR:CLASS (e.g. detection:ssd:1203:1),"
                        + " got 'detection:" + spec + "'");
            }
            return new DetectionScoreTarget(org.cam4j.detection.DetectionLayout.parse(p[0]),
                    integer(p[1], "detection: anchor"), integer(p[2], "detection: class"));
        }
    }

    /** {@code boxes:LAYOUT:CLASS@x1,y1,x2,y2;...}: the reference's box-score target. */
    @AutoService(TargetProvider.class)
    public static final class BoxScore implements TargetProvider {
        public String name() {
            return "boxes";
        }

        public List<String> aliases() {
            return List.of("FasterRCNNBoxScoreTarget");
        }

        /**
         * {@code LAYOUT:CLASS@x1,y1,x2,y2[;CLASS@...][:score=S,nms=N,iou=T]}: reference boxes as corners in the
         * model output's units; detections above score S (0.5; for torchvision every detection the model returns)
         * after NMS at N (0.45) match at IoU above T (0.5).
         */
        public Target create(String spec) {
            String[] p = spec.split(":");
            if (p.length < 2 || p.length > 3) {
                throw new InvalidInputException("boxes takes LAYOUT:CLASS@x1,y1,x2,y2[;CLASS@...][:score=S,nms=N,"
                        + "iou=T], got 'boxes:" + spec + "'");
            }
            org.cam4j.detection.DetectionLayout layout = org.cam4j.detection.DetectionLayout.parse(p[0]);
            // torchvision's rows are the model's own detections: the reference matches against every one of them
            boolean torchvision = layout.kind() == org.cam4j.detection.DetectionLayout.Kind.TORCHVISION;
            java.util.Map<String, Double> settings = new java.util.HashMap<>(java.util.Map.of("score",
                    torchvision ? Double.NEGATIVE_INFINITY : 0.5, "nms", 0.45, "iou", 0.5));
            if (p.length == 3) {
                for (String kv : p[2].split(",")) {
                    String[] pair = kv.split("=");
                    if (pair.length != 2 || !settings.containsKey(pair[0].trim())) {
                        throw new InvalidInputException("boxes: unknown setting '" + kv + "'; use score=S, nms=N,"
                                + " iou=T");
                    }
                    settings.put(pair[0].trim(), Double.parseDouble(pair[1].trim()));
                }
            }
            List<double[]> boxes = new java.util.ArrayList<>();
            List<Integer> labels = new java.util.ArrayList<>();
            for (String ref : p[1].split(";")) {
                String[] labelBox = ref.split("@");
                String[] xy = labelBox.length == 2 ? labelBox[1].split(",") : new String[0];
                if (xy.length != 4) {
                    throw new InvalidInputException("boxes: each reference is CLASS@x1,y1,x2,y2, got '" + ref + "'");
                }
                labels.add(integer(labelBox[0], "boxes: class"));
                double[] box;
                try {
                    box = java.util.Arrays.stream(xy).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("boxes: corners must be numbers, got '" + ref + "'");
                }
                // an inverted or empty box matches nothing: it would explain an empty score without a word
                boolean finite = java.util.Arrays.stream(box).allMatch(Double::isFinite);
                if (!finite || !(box[2] > box[0] && box[3] > box[1])) {
                    throw new InvalidInputException("boxes: " + ref + " is not a box; give CLASS@x1,y1,x2,y2 with"
                            + " x2 > x1 and y2 > y1");
                }
                boxes.add(box);
            }
            return new BoxScoreTarget(layout,
                    new org.cam4j.detection.PostProcessing(settings.get("score"), settings.get("nms"), 0), boxes,
                    labels.stream().mapToInt(Integer::intValue).toArray(), settings.get("iou"));
        }
    }
}
