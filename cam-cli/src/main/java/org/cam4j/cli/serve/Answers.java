package org.cam4j.cli.serve;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.DetectionRequest;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.ModelRequest;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.store.MapFiles;
import org.cam4j.engine.store.MemoryStore;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Tensor;

/** What the answers of {@code POST /api/explain} share: the request's image on the engine's loop, maps inline. */
final class Answers {
    /** Predictions an answer lists. */
    static final int TOP = 5;
    /** How messages name a request's image (read from the request, never from a file). */
    static final Path UPLOAD = Path.of("the uploaded image");

    private Answers() {
    }

    /**
     * The engine's loop over the request's one image (read from the request, never from a file): an unreadable
     * image is a 400; {@code batch} takes the image's rows and returns what takes each method's maps.
     */
    static void explainUpload(ServeRequest req, long maxPixels, ImageExplainer explainer,
                              ExplainLoop.TargetRule targets, List<MethodChoice> methods,
                               java.util.function.Function<ExplainLoop.Rows,
                                       java.util.function.Consumer<ExplainLoop.Maps>> batch) {
        try (ImagePipeline pipeline = new ImagePipeline(req.model().preprocessing(), maxPixels, 1,
                file -> req.image())) {
            new ExplainLoop(explainer, pipeline).run(List.of(UPLOAD), targets, methods, TOP,
                    new ExplainLoop.Results() {
                        @Override
                        public void failed(ImagePipeline.Failed failed) {
                            throw new HttpError(400, failed.reason());
                        }

                        @Override
                        public java.util.function.Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                            return batch.apply(rows);
                        }
                    });
        }
    }

    /**
     * The engine's request for a served model, checked as every door's is (what the task takes, the photo weight):
     * the model part is the served model with its YAML and the request's layers; target specs may name no file. What
     * the task takes is checked on the request's fields as written (a detector refuses any metric named).
     */
    static CamRequest request(ServeRequest req, CamRequest.Task task, List<MethodChoice> methods,
                              EvaluationRequest evaluation, DetectionRequest detection, float imageWeight) {
        CamRequest.checkTask(task, req.targets().size(), !req.metrics().isEmpty(), RequestOptions.FIELDS);
        CamServer.Served s = req.model();
        ModelSetup setup = new ModelSetup(ModelRequest.of(s.file()), s.settings(),
                ModelSettings.preprocessingNames(s.file()), PreprocessingRequest.NONE, null, req.layers(),
                RequestOptions.FIELDS);
        return CamRequest.of(task, setup, methods, req.targets(), TargetSpecs.Files.REFUSE, evaluation, detection,
                imageWeight, RequestOptions.FIELDS);
    }

    /** The photo explainer of a request to a served model, whose preprocessing and labels were resolved at start. */
    static ImageExplainer explainer(CamRequest request, CamServer.Served s) {
        return new ImageExplainer(s.model(), s.preprocessing(), s.labels(), request.model().layers(s.model()),
                request.imageWeight());
    }

    /**
     * A map as the answer carries it: written into the answer's store as every door writes a map's files
     * ({@link MapFiles}: its overlay, made only then, as a PNG or JPEG, or the map as {@code .npy}, the bytes
     * {@code cam explain --format} and a batch YAML's {@code formats} write), then inline: base64 {@code .npy}, or the
     * picture as a data URL.
     *
     * @param answer the answer's store
     * @param name the map's name in it
     * @param format png, jpg or npy
     * @param map the map
     * @param overlay its overlay on the photo
     * @return the inline value
     */
    static String encoded(MemoryStore answer, String name, String format, Tensor map,
                          java.util.function.Supplier<Tensor> overlay) {
        MapFiles.writer(answer, name, List.of(format), overlay, map).run();
        String file = Base64.getEncoder().encodeToString(answer.read(MapFiles.names(name, List.of(format)).get(0)));
        return format.equals("npy") ? file : "data:image/" + (format.equals("jpg") ? "jpeg" : "png") + ";base64,"
                + file;
    }
}
