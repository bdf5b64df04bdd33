package org.cam4j.cli.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.cam4j.detection.Detection;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.DetectionLoop;
import org.cam4j.engine.DetectionRequest;
import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.store.MemoryStore;
import org.cam4j.pipeline.ImagePipeline;

/** A detector's answer to {@code POST /api/explain}. */
final class DetectorAnswer {
    private DetectorAnswer() {
    }

    /**
     * A detector's answer, as {@code cam detect --per-box} computes it: the detections (label, score, box in photo
     * pixels), each with its own map per method that reads the target, and one map for all detections of the methods
     * that do not (EigenCAM); maps at the photo's resolution. Options: {@code score_threshold}, {@code iou},
     * {@code top_k}, {@code image_weight}.
     */
    static ObjectNode answer(ServeRequest req, long maxPixels, Progress progress) {
        CamServer.Served s = req.model();
        Map<String, String> options = new HashMap<>(req.options());
        float weight = RequestOptions.imageWeight(options);
        double score = RequestOptions.number(options, "score_threshold", ImageDetector.DEFAULT_SCORE_THRESHOLD);
        double iou = RequestOptions.number(options, "iou", ImageDetector.DEFAULT_IOU);
        double topK = RequestOptions.number(options, "top_k", ImageDetector.DEFAULT_TOP_K);
        // the served model's own layout and letterboxing; every detection with its own map
        DetectionRequest detection = DetectionRequest.of(null, score, iou,
                (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, topK)), null, true, false,
                RequestOptions.FIELDS);
        options.keySet().removeAll(List.of("image_weight", "score_threshold", "iou", "top_k"));
        CamRequest request = Answers.request(req, CamRequest.Task.DETECTION,
                RequestOptions.methods(req.methods(), options, false), null, detection, weight);
        List<MethodChoice> methods = request.methods();
        ImageDetector detector = detection.detector(s.model(), s.detection(), s.preprocessing(), s.labels(),
                request.model().detectorLayers(s.model()), weight);
        ObjectNode out = CamServer.JSON.createObjectNode().put("model", s.id()).put("task", "detection");
        try (ImagePipeline pipeline = detector.writer(maxPixels, 1)) {
            detection.loop(detector).run(pipeline, List.of(Answers.UPLOAD), Path::toString, maxPixels,
                    file -> req.image(), methods, new DetectionLoop.Results() {
                        @Override
                        public void failed(ImageDetector.Prepared failed) {
                            throw new HttpError(400, failed.error());
                        }

                        @Override
                        public DetectionLoop.PhotoResults photo(ImageDetector.Found found) {
                            return photoAnswer(detector, found, req.format(), out, progress);
                        }
                    });
        }
        return out;
    }

    /**
     * Fills a detector's answer: the detections with their own maps, the maps of all detections, each method's
     * seconds.
     */
    private static DetectionLoop.PhotoResults photoAnswer(ImageDetector detector, ImageDetector.Found found,
                                                          String format, ObjectNode out, Progress progress) {
        out.putObject("image").put("width", found.decoded().sourceWidth())
                .put("height", found.decoded().sourceHeight());
        ArrayNode detections = out.putArray("detections");
        List<ObjectNode> boxCams = new ArrayList<>();
        for (Detection d : found.detections()) {
            boxCams.add(detector.describe(found, d, detections.addObject()).putObject("cams"));
        }
        ObjectNode cams = out.putObject("cams");
        ObjectNode seconds = out.putObject("seconds");
        MemoryStore files = new MemoryStore();
        return new DetectionLoop.PhotoResults() {
            @Override
            public void map(DetectionLoop.PhotoMap map) {
                String method = map.method().method().name();
                (map.perBox() ? boxCams.get(map.box()) : cams).put(method, Answers.encoded(files, (map.perBox()
                        ? "box" + map.box() + "." : "") + method, format, map.map(),
                        () -> detector.overlay(found, map.map(), map.drawn())));
            }

            @Override
            public void methodDone(MethodChoice method, int maps, double time) {
                seconds.put(method.method().name(), time);
                progress.done.incrementAndGet();
            }
        };
    }
}
