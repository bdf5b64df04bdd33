package org.cam4j.engine.batch;

import org.cam4j.engine.DetectionLoop;
import org.cam4j.engine.DetectionRequest;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.cam4j.detection.Detection;
import org.cam4j.image.ImageFiles;

/**
 * The detection task of a batch run ({@code task: detection}): per image the detections and, per method, one CAM
 * for all of them or one per box, written as {@code cam detect} writes them, with a record per finished image.
 */
public final class BatchDetection {
    private final ImageDetector detector;
    private final DetectionRequest request;
    private final ObjectMapper json;
    private final List<String> formats;

    /** Detection for one model of a batch run, as the YAML's section asks, writing the formats asked for. */
    public BatchDetection(ImageDetector detector, DetectionRequest request, ObjectMapper json, List<String> formats) {
        this.detector = detector;
        this.request = request;
        this.json = json;
        this.formats = formats;
    }

    /** Workers that write behind the model. */
    public org.cam4j.pipeline.ImagePipeline writer(int workers) {
        return detector.writer(ImageFiles.DEFAULT_MAX_PIXELS, workers);
    }

    /**
     * The detection request of a YAML's {@code detection} section (defaults where it is left out), checked as cam
     * detect checks its options and named by the YAML's keys.
     *
     * @param spec the section, or null
     * @param yaml the YAML file
     * @return the request
     */
    public static DetectionRequest request(BatchConfig.DetectionSpec spec, Path yaml) {
        BatchConfig.DetectionSpec s = spec == null ? BatchConfig.DetectionSpec.defaults() : spec;
        return DetectionRequest.of(s.layout(), s.scoreThreshold(), s.iou(), s.topK(), s.letterbox(), s.perBox(),
                s.renormalize(), FieldNames.yaml(yaml, "detection"));
    }

    /**
     * Detects and explains the images with every method on the engine's detection loop: maps computed here,
     * overlays blended, encoded and written behind on {@code writer}'s workers; an image's record is written (by
     * {@code records}, under the image's name) by the last of the image's writes, once every output is in place.
     *
     * @param writer the workers that prepare images ahead and write behind
     * @param images the images, in order
     * @param shown how records name an image
     * @param reader an image's bytes, or null to read local files
     * @param model the model's name in the run
     * @param names each image's output name
     * @param methods the methods, in order
     * @param store where outputs go
     * @param records writes an image's record under its name
     * @param listener told of each finished or failed image
     */
    public void run(org.cam4j.pipeline.ImagePipeline writer, List<Path> images, Function<Path, String> shown,
                    Function<Path, byte[]> reader, String model, Map<Path, String> names, List<MethodChoice> methods,
                    OutputStore store, BiConsumer<String, JsonNode> records, BatchWorker.Listener listener) {
        DetectionLoop.Results results = new DetectionLoop.Results() {
            @Override
            public void failed(ImageDetector.Prepared failed) {
                listener.failed(json.createObjectNode().put("model", model)
                        .put("image", shown.apply(failed.file())).put("error", failed.error()));
            }

            @Override
            public DetectionLoop.PhotoResults photo(ImageDetector.Found found) {
                return new RecordedPhoto(writer, found, model, shown.apply(found.file()), names.get(found.file()),
                        methods, store, records, listener);
            }
        };
        request.loop(detector).run(writer, images, shown, ImageFiles.DEFAULT_MAX_PIXELS, reader, methods, results);
    }

    /**
     * One image's outputs, each written behind as soon as its map is computed, and its record, written by the last
     * of them (a record means its outputs are in place).
     */
    private final class RecordedPhoto implements DetectionLoop.PhotoResults {
        private final org.cam4j.pipeline.ImagePipeline writer;
        private final ImageDetector.Found found;
        private final String base;
        private final OutputStore store;
        private final ArrayNode cams;
        private final Runnable writeRecord;
        private final AtomicInteger pending;

        RecordedPhoto(org.cam4j.pipeline.ImagePipeline writer, ImageDetector.Found found, String model, String shown,
                      String name, List<MethodChoice> methods, OutputStore store,
                      BiConsumer<String, JsonNode> records, BatchWorker.Listener listener) {
            this.writer = writer;
            this.found = found;
            this.base = model + "/" + name + ".";
            this.store = store;
            ObjectNode record = json.createObjectNode().put("model", model).put("image", shown);
            List<Detection> boxes = found.detections();
            ArrayNode listed = record.putArray("detections");
            for (Detection d : boxes) {
                detector.describe(found, d, listed.addObject());
            }
            this.cams = record.putArray("cams");
            this.writeRecord = () -> {
                records.accept(name, record);
                listener.finished(record, false);
            };
            int total = 0;
            for (MethodChoice m : methods) {
                total += ImageDetector.perBox(m.method(), request.perBox()) ? boxes.size() : 1;
            }
            this.pending = new AtomicInteger(total);
            if (total == 0) {
                writer.submit(writeRecord);
            }
        }

        @Override
        public void map(DetectionLoop.PhotoMap map) {
            String method = map.method().method().name();
            String file = base + OutputFolder.safeName(method) + (map.perBox() ? ".box" + map.box() : "");
            ObjectNode entry = cams.addObject().put("method", method).put("label", map.perBox()
                    ? "box" + map.box() + " " + detector.label(map.drawn().get(0)) : "all detections");
            Runnable write = BatchWorker.outputs(entry, file, formats,
                    () -> detector.overlay(found, map.map(), map.drawn()), map.map(), store);
            writer.submit(() -> {
                write.run();
                if (pending.decrementAndGet() == 0) {
                    writeRecord.run();
                }
            });
        }
    }
}
