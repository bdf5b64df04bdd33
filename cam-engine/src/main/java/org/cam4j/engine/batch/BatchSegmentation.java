package org.cam4j.engine.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputStore;
import org.cam4j.image.Overlay;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Tensor;

/**
 * A segmenter's part of a batch run ({@code task: segmentation}), as cam segment explains it: per image the model's
 * own mask ({@code <model>/<name>.mask.*}, listed first among the record's maps, method {@code mask}) and each
 * method's map for the class over that mask ({@code <model>/<name>.<method>.*}); the record is written by the last of
 * the image's writes. An image whose mask is empty is a failed record saying so.
 */
final class BatchSegmentation {
    private final ImageExplainer explainer;
    private final ImageSegmenter segmenter;
    private final List<String> formats;

    BatchSegmentation(ImageExplainer explainer, ImageSegmenter segmenter, List<String> formats) {
        this.explainer = explainer;
        this.segmenter = segmenter;
        this.formats = formats;
    }

    /** What the run needs of its worker: where outputs go, how records are written and images named. */
    record Context(String model, Map<Path, String> names, OutputStore store, BiConsumer<String, JsonNode> records,
                   BatchWorker.Listener listener, Function<Path, ObjectNode> record,
                   BiConsumer<Path, String> failed) {
    }

    void run(ImagePipeline pipeline, List<Path> images, List<MethodChoice> methods, Context c) {
        new ExplainLoop(explainer, pipeline).run(images, segmenter, methods, 1, new ExplainLoop.Results() {
            @Override
            public void failed(ImagePipeline.Failed f) {
                c.failed().accept(f.file(), f.reason());
            }

            @Override
            public Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                return new SegmentedBatch(pipeline, rows, methods.size(), c);
            }
        });
    }

    /** One batch: its masks written now, each method's maps as they come, each record after its image's writes. */
    private final class SegmentedBatch implements Consumer<ExplainLoop.Maps> {
        private final ImagePipeline pipeline;
        private final ExplainLoop.Rows rows;
        private final Context c;
        private final List<ObjectNode> records = new ArrayList<>();
        private final List<AtomicInteger> pending = new ArrayList<>();

        SegmentedBatch(ImagePipeline pipeline, ExplainLoop.Rows rows, int methods, Context c) {
            this.pipeline = pipeline;
            this.rows = rows;
            this.c = c;
            for (ImagePipeline.Loaded image : rows.batch().loaded()) {
                ImageSegmenter.Mask mask = segmenter.mask(image);
                String label = explainer.labels().name(mask.category());
                if (mask.fraction() == 0) {
                    c.failed().accept(image.file(), "the mask of class " + label + " is empty; nothing written for"
                            + " it (choose another class or threshold in the 'segmentation' section)");
                    records.add(null);
                    pending.add(null);
                    continue;
                }
                ObjectNode record = c.record().apply(image.file()).put("class", mask.category()).put("label", label)
                        .put("mask_fraction", mask.fraction());
                ArrayNode cams = record.putArray("cams");
                records.add(record);
                AtomicInteger left = new AtomicInteger(1 + methods);
                pending.add(left);
                Tensor onPhoto = segmenter.maskOnPhoto(image.image(), mask);
                ObjectNode entry = cams.addObject().put("method", "mask").put("class", mask.category())
                        .put("label", label);
                write(entry, c.names().get(image.file()), "mask", () -> segmenter.maskPicture(image.image(), onPhoto),
                        onPhoto, record, left);
            }
        }

        @Override
        public void accept(ExplainLoop.Maps maps) {
            String method = maps.method().method().name();
            for (int row = 0; row < rows.size(); row++) {
                ImagePipeline.Loaded image = rows.image(row);
                int i = rows.rows().get(row).image();
                ObjectNode record = records.get(i);
                Tensor map = segmenter.onPhoto(image.image(), maps.result().cams().slice(row));
                ObjectNode entry = ((ArrayNode) record.get("cams")).addObject().put("method", method)
                        .put("class", record.get("class").asInt()).put("label", record.get("label").asText());
                write(entry, c.names().get(image.file()), OutputFolder.safeName(method),
                        () -> Overlay.showCamOnImage(segmenter.picture(image.image()), map, explainer.imageWeight()),
                        map, record, pending.get(i));
            }
        }

        /** Writes {@code <model>/<image>.<suffix>.*} behind; the image's last write writes its record. */
        private void write(ObjectNode entry, String image, String suffix, java.util.function.Supplier<Tensor> picture,
                           Tensor map, ObjectNode record, AtomicInteger left) {
            Runnable write = BatchWorker.outputs(entry, c.model() + "/" + image + "." + suffix, formats, picture, map,
                    c.store());
            pipeline.submit(() -> {
                write.run();
                if (left.decrementAndGet() == 0) {
                    c.records().accept(image, record);
                    c.listener().finished(record, false);
                }
            });
        }
    }
}
