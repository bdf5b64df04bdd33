package org.cam4j.engine.batch;

import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.detection.Detection;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.ImageFiles;
import org.cam4j.tensor.Tensor;

/**
 * The detection task of a batch run ({@code task: detection}): per image the detections and, per method, one CAM
 * for all of them or one per box, written as {@code cam detect} writes them, with a record per finished image.
 */
public final class BatchDetection {
    private final ImageDetector detector;
    private final BatchConfig.DetectionSpec spec;
    private final ObjectMapper json;
    private final List<String> formats;

    /** Detection for one model of a batch run, writing the formats asked for. */
    public BatchDetection(ImageDetector detector, BatchConfig.DetectionSpec spec, ObjectMapper json, List<String> formats) {
        this.detector = detector;
        this.spec = spec;
        this.json = json;
        this.formats = formats;
    }

    /** Workers that write behind the model. */
    public org.cam4j.pipeline.ImagePipeline writer(int workers) {
        return detector.writer(ImageFiles.DEFAULT_MAX_PIXELS, workers);
    }

    /** The images prepared on {@code writer}'s workers ahead of the model. */
    public java.util.Iterator<ImageDetector.Prepared> ahead(org.cam4j.pipeline.ImagePipeline writer, List<Path> images,
                                                    java.util.function.Function<Path, String> shown,
                                                    java.util.function.Function<Path, byte[]> reader) {
        return detector.ahead(writer, images, shown, ImageFiles.DEFAULT_MAX_PIXELS, reader);
    }

    /** The post-processing the spec asks for, checked as cam detect checks its options. */
    public static PostProcessing postProcessing(BatchConfig.DetectionSpec spec, Path yaml) {
        return ImageDetector.postProcessing(
                spec.scoreThreshold() == null ? Double.parseDouble(ImageDetector.DEFAULT_SCORE_THRESHOLD)
                        : spec.scoreThreshold(),
                spec.iou() == null ? Double.parseDouble(ImageDetector.DEFAULT_IOU) : spec.iou(),
                spec.topK() == null ? Integer.parseInt(ImageDetector.DEFAULT_TOP_K) : spec.topK(),
                yaml + ": detection.score_threshold", yaml + ": detection.iou", yaml + ": detection.top_k");
    }

    /**
     * Explains one image with every method: maps computed here, overlays blended, encoded and written behind on
     * {@code writer}'s workers; the record is written (by {@code records}, under the image's name) by the last of
     * the image's writes, once every output is in place.
     */
    public void explain(ImageDetector.Prepared prepared, String shown, String model, String name,
                 List<MethodChoice> methods, OutputStore store,
                 java.util.function.BiConsumer<String, com.fasterxml.jackson.databind.JsonNode> records,
                 BatchWorker.Listener listener, org.cam4j.pipeline.ImagePipeline writer) {
        if (prepared.error() != null) {
            listener.failed(json.createObjectNode().put("model", model).put("image", shown)
                    .put("error", prepared.error()));
            return;
        }
        ImageDetector.Found found = detector.detect(prepared);
        ObjectNode record = json.createObjectNode().put("model", model).put("image", shown);
        List<Detection> boxes = found.detections();
        ArrayNode listed = record.putArray("detections");
        for (Detection d : boxes) {
            detector.describe(found, d, listed.addObject());
        }
        ArrayNode cams = record.putArray("cams");
        Runnable writeRecord = () -> {
            records.accept(name, record);
            listener.finished(record, false);
        };
        // each map is written as soon as it is computed (memory flat in the number of boxes); the record by the
        // last write, so a record means its outputs are in place
        int total = 0;
        for (MethodChoice m : methods) {
            total += ImageDetector.perBox(m.method(), Boolean.TRUE.equals(spec.perBox())) ? boxes.size() : 1;
        }
        if (total == 0) {
            writer.submit(writeRecord);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(total);
        for (MethodChoice m : methods) {
            boolean perBox = ImageDetector.perBox(m.method(), Boolean.TRUE.equals(spec.perBox()));
            String base = model + "/" + name + "." + OutputFolder.safeName(m.method().name());
            detector.forEachCam(m.method(), m.options(), found, perBox, Boolean.TRUE.equals(spec.renormalize()),
                    (map, k) -> {
                        Tensor cam = detector.onPhoto(found, map);
                        List<Detection> drawn = perBox ? List.of(boxes.get(k)) : boxes;
                        String file = perBox ? base + ".box" + k : base;
                        ObjectNode entry = cams.addObject().put("method", m.method().name()).put("label", perBox
                                ? "box" + k + " " + detector.label(boxes.get(k)) : "all detections");
                        Runnable write = BatchWorker.outputs(entry, file, formats,
                                () -> detector.overlay(found, cam, drawn), cam, store);
                        writer.submit(() -> {
                            write.run();
                            if (pending.decrementAndGet() == 0) {
                                writeRecord.run();
                            }
                        });
                    });
        }
    }
}
