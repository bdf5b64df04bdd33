package org.cam4j.engine;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.detection.Detection;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;

/**
 * The Java entry point for object detectors, as {@code cam detect} runs them ({@link Explainer.Builder#buildDetector}):
 * the detector opened once with its YAML beside it (preprocessing, labels, layers) and its output layout recognised
 * from the output shapes (SSD, YOLOv5, YOLOv8 or torchvision's post-processed boxes); then per photo its detections
 * (class, score, box in the photo's pixels) and a map, for all detections at once ({@link #explain}, the reference's
 * box-score target) or one per detection ({@link #explainEach}, its own score), at the photo's size.
 */
public final class DetectionExplainer implements AutoCloseable {
    private final DetectorOpening.Opened opened;
    private final ImageDetector detector;
    private final MethodChoice method;

    DetectionExplainer(CamRequest request) {
        this.method = request.methods().get(0);
        this.opened = request.openDetector();
        try {
            this.detector = request.detector(opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The photo's detections and one map for all of them.
     *
     * @param photo the photo
     * @return its detections (without maps of their own), the map and its overlay with every box drawn
     */
    public Detections explain(BufferedImage photo) {
        return explain(ImageFiles.fromImage(photo), false);
    }

    /**
     * The image file's detections and one map for all of them.
     *
     * @param imageFile a PNG, JPEG or BMP file
     * @return its detections (without maps of their own), the map and its overlay with every box drawn
     */
    public Detections explain(Path imageFile) {
        return explain(ImageFiles.read(imageFile), false);
    }

    /**
     * The photo's detections, each with its own map (a method that does not read the target, as EigenCAM, gives
     * every detection the one map of the photo, also returned as the photo's map).
     *
     * @param photo the photo
     * @return its detections with their maps and overlays (only that box drawn)
     */
    public Detections explainEach(BufferedImage photo) {
        return explain(ImageFiles.fromImage(photo), true);
    }

    /**
     * The image file's detections, each with its own map ({@link #explainEach(BufferedImage)}).
     *
     * @param imageFile a PNG, JPEG or BMP file
     * @return its detections with their maps and overlays (only that box drawn)
     */
    public Detections explainEach(Path imageFile) {
        return explain(ImageFiles.read(imageFile), true);
    }

    private Detections explain(RgbImage photo, boolean perBox) {
        ImageDetector.Found found = detector.detect(detector.prepare(photo));
        List<Detection> detections = found.detections();
        Tensor[] boxMaps = new Tensor[detections.size()];
        Tensor[] all = new Tensor[1];
        new DetectionLoop(detector, perBox, false).explain(found, List.of(method), map -> {
            if (map.perBox()) {
                boxMaps[map.box()] = map.map();
            } else {
                all[0] = map.map();
            }
        });
        List<Box> boxes = new ArrayList<>();
        for (int k = 0; k < detections.size(); k++) {
            Detection d = detections.get(k);
            Tensor map = perBox ? boxMaps[k] != null ? boxMaps[k] : all[0] : null;
            boxes.add(new Box(detector.label(d), d.label(), d.score(), detector.photoBox(found, d), map,
                    map == null ? null : detector.overlay(found, map, List.of(d))));
        }
        return new Detections(boxes, all[0], all[0] == null ? null : detector.overlay(found, all[0], detections));
    }

    /**
     * The target layers the maps are computed at.
     *
     * @return the layers (by default the feature maps the detection heads read, one per pyramid level)
     */
    public List<String> layers() {
        return detector.layers();
    }

    @Override
    public void close() {
        opened.close();
    }

    /**
     * One detection.
     *
     * @param label its class name (its index without a labels file)
     * @param classIndex its class index
     * @param score its score
     * @param box x1, y1, x2, y2 in the photo's pixels
     * @param map its own map at the photo's size, in [0, 1], or null from {@link #explain}
     * @param overlayPixels the map on the photo with this box drawn (H x W x 3, 0..255), or null
     */
    public record Box(String label, int classIndex, double score, double[] box, Tensor map, Tensor overlayPixels) {
        /**
         * The overlay as an image.
         *
         * @return the overlay, or null when the detection has no map of its own
         */
        public BufferedImage overlay() {
            return overlayPixels == null ? null : ImageFiles.toImage(overlayPixels);
        }
    }

    /**
     * A photo's detections and its map.
     *
     * @param boxes the detections, best first as the model's post-processing keeps them
     * @param map the map of all detections at the photo's size, in [0, 1]; null from {@link #explainEach} for a
     *     method that reads the target (each detection has its own)
     * @param overlayPixels the map on the photo with every box drawn (H x W x 3, 0..255), or null
     */
    public record Detections(List<Box> boxes, Tensor map, Tensor overlayPixels) {
        /**
         * The overlay as an image.
         *
         * @return the overlay, or null when there is no map of all detections
         */
        public BufferedImage overlay() {
            return overlayPixels == null ? null : ImageFiles.toImage(overlayPixels);
        }
    }
}
