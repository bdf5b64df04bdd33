package org.cam4j.engine;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.CamOptions;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;

/**
 * cam4j inside a Java application: a model opened once, then photos ({@link BufferedImage}s or files) or
 * preprocessed tensors explained with one CAM method, with the maps, the overlays and the predictions given back.
 * What the CLI reads from a model's YAML it reads too: preprocessing, labels and target layer come from
 * {@code resnet50.yaml} beside {@code resnet50.onnx} when there is one, else from the model's input shape with
 * ImageNet's normalisation and the model's suggested layer. Not thread-safe: one explainer per thread, or a lock.
 *
 * <pre>{@code
 * try (Explainer explainer = Explainer.builder(Path.of("resnet50.onnx")).method("GradCAM").build()) {
 *     Explanation e = explainer.explain(ImageIO.read(new File("dog.jpg")));       // the top class
 *     ImageIO.write(e.overlay(), "png", new File("dog.GradCAM.png"));
 * }
 * }</pre>
 */
public final class Explainer implements AutoCloseable {
    private final ExplainableModel model;
    private final CamMethod method;
    private final CamOptions options;
    private final ImageExplainer images;
    private final int top;

    Explainer(CamRequest request, int top) {
        MethodChoice choice = request.methods().get(0);
        this.method = choice.method();
        this.options = choice.options();
        this.top = top;
        this.model = request.model().open();
        try {
            this.images = request.explainer(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * An explainer of this model file (ONNX, or a SavedModel folder with the TensorFlow plugin).
     *
     * @param model the model file or folder
     * @return a builder with the defaults
     */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * The model's own top class of this photo, explained.
     *
     * @param photo the photo
     * @return its map, predictions and overlay
     */
    public Explanation explain(BufferedImage photo) {
        return explain(ImageFiles.fromImage(photo), Targets.topClass());
    }

    /**
     * {@code target} (a class: {@code new ClassifierOutputTarget(281)}) of this photo, explained.
     *
     * @param photo the photo
     * @param target what to explain
     * @return its map, predictions and overlay
     */
    public Explanation explain(BufferedImage photo, Target target) {
        return explain(ImageFiles.fromImage(photo), Objects.requireNonNull(target, "target"));
    }

    /**
     * The top class of this image file, explained.
     *
     * @param imageFile a PNG, JPEG or BMP file
     * @return its map, predictions and overlay
     */
    public Explanation explain(Path imageFile) {
        return explain(ImageFiles.read(imageFile), Targets.topClass());
    }

    /**
     * {@code target} of this image file, explained.
     *
     * @param imageFile a PNG, JPEG or BMP file
     * @param target what to explain
     * @return its map, predictions and overlay
     */
    public Explanation explain(Path imageFile, Target target) {
        return explain(ImageFiles.read(imageFile), Objects.requireNonNull(target, "target"));
    }

    private Explanation explain(RgbImage photo, Target target) {
        Tensor input = images.batch(List.of(photo));
        Explanation e = explain(input, List.of(target)).get(0);
        return new Explanation(e.map(), e.target(), e.predictions(), images.overlay(photo, e.map()));
    }

    /**
     * A preprocessed batch (N x C x H x W, or N x H x W x C for such models) explained, one target per image
     * ({@link Targets#topClass()}: that image's own top class). The explanations have no overlay: there is no photo
     * to draw on.
     *
     * @param input the batch
     * @param targets one per image
     * @return one explanation per image
     */
    public List<Explanation> explain(Tensor input, List<Target> targets) {
        CamResult r = run(input, targets);
        List<List<ImageExplainer.Prediction>> predictions = images.predictions(r.outputs(), top);
        List<Explanation> out = new ArrayList<>();
        for (int i = 0; i < input.dim(0); i++) {
            out.add(new Explanation(r.cams().slice(i), r.targets().get(i), predictions.get(i), null));
        }
        return out;
    }

    /**
     * The layers explained.
     *
     * @return the target layers
     */
    public List<String> layers() {
        return images.layers();
    }

    /**
     * How photos are turned into the model's input.
     *
     * @return the preprocessing
     */
    public Preprocessing preprocessing() {
        return images.preprocessing();
    }

    @Override
    public void close() {
        model.close();
    }

    /** One photo explained: the map, the target it explains, the model's top predictions, the overlay. */
    public record Explanation(Tensor map, Target target, List<ImageExplainer.Prediction> predictions,
                              Tensor overlayPixels) {
        /**
         * The map as rows of floats in [0, 1], at the model's input size.
         *
         * @return height rows of width values
         */
        public float[][] mapRows() {
            float[][] rows = new float[map.dim(0)][map.dim(1)];
            for (int y = 0; y < rows.length; y++) {
                for (int x = 0; x < rows[y].length; x++) {
                    rows[y][x] = map.at(y * rows[y].length + x);
                }
            }
            return rows;
        }

        /**
         * The map on the photo at the photo's own size ({@code show_cam_on_image}), or {@code null} for tensors.
         *
         * @return the overlay, or null
         */
        public BufferedImage overlay() {
            return overlayPixels == null ? null : ImageFiles.toImage(overlayPixels);
        }
    }

    /** The builder's names of detection settings, in messages. */
    private static final FieldNames JAVA_NAMES = field -> switch (field) {
        case "score_threshold" -> "scoreThreshold";
        case "top_k" -> "topK";
        case "batch_size" -> "batchSize";
        case "image_weight" -> "imageWeight";
        default -> field;
    };

    /** The method's maps of a batch, one target per row (for the segmentation entry point too). */
    CamResult run(Tensor input, List<Target> targets) {
        return images.run(method, options, input, targets);
    }

    /** The photo explainer this explainer runs (for the segmentation entry point). */
    ImageExplainer images() {
        return images;
    }

    /** Settings of an {@link Explainer}; every one has a default. */
    public static final class Builder {
        final Path model;
        String method = "GradCAM";
        CamOptions options = CamOptions.defaults();
        List<String> layers;
        Path labels;
        String device = "cpu";
        int threads;
        float imageWeight = 0.5f;
        int top = 5;
        DetectionRequest detections = DetectionRequest.of(null, null, null, null, null, null, null, FieldNames.PLAIN);

        private Builder(Path model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * The CAM method by name ({@code cam methods} lists them; default GradCAM).
         *
         * @param name the method's name or alias
         * @return this builder
         */
        public Builder method(String name) {
            this.method = Objects.requireNonNull(name, "method");
            return this;
        }

        /**
         * The method's options (aug smooth, eigen smooth, batch size, method-specific options).
         *
         * @param value the options
         * @return this builder
         */
        public Builder options(CamOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * Target layers (tensor, node or PyTorch module path, as {@code cam layers} lists them).
         *
         * @param names the layers
         * @return this builder
         */
        public Builder layers(String... names) {
            this.layers = List.of(names);
            return this;
        }

        /**
         * Class names: an ImageNet JSON index or one name per line (default: the model's YAML's, else none).
         *
         * @param file the labels file
         * @return this builder
         */
        public Builder labels(Path file) {
            this.labels = file;
            return this;
        }

        /**
         * {@code cpu} (default) or {@code cuda[:N]}.
         *
         * @param value the device
         * @return this builder
         */
        public Builder device(String value) {
            this.device = Objects.requireNonNull(value, "device");
            return this;
        }

        /**
         * Intra-op threads of the runtime (0, the default: the runtime's choice).
         *
         * @param value the number of threads
         * @return this builder
         */
        public Builder threads(int value) {
            this.threads = Limits.threads(value, "threads");
            return this;
        }

        /**
         * Weight of the photo in overlays (default 0.5, as {@code show_cam_on_image}).
         *
         * @param value the weight, in [0, 1]
         * @return this builder
         */
        public Builder imageWeight(float value) {
            this.imageWeight = Limits.imageWeight(value, "imageWeight");
            return this;
        }

        /**
         * Predictions kept per image (default 5).
         *
         * @param value how many
         * @return this builder
         */
        public Builder top(int value) {
            this.top = Limits.range(value, 0, 1000, "top");
            return this;
        }

        /**
         * A detector's post-processing ({@link #buildDetector}): detections scoring above {@code scoreThreshold}
         * (default 0.5), class-wise NMS dropping a box that overlaps a better one above {@code iou} (default 0.45), at
         * most {@code topK} per photo (default 100, 0 for all).
         *
         * @param scoreThreshold the least score kept, in [0, 1]
         * @param iou the NMS overlap threshold, in [0, 1]
         * @param topK the most detections per photo
         * @return this builder
         */
        public Builder detections(double scoreThreshold, double iou, int topK) {
            this.detections = DetectionRequest.of(null, scoreThreshold, iou, topK, null, null, null, JAVA_NAMES);
            return this;
        }

        /**
         * The engine's request these settings make: the model with its YAML beside it, the method and its options
         * checked by the rule of every door.
         *
         * @param task what is explained
         * @param targets the targets as written (a segmenter's class), or null
         * @return the checked request
         */
        CamRequest request(CamRequest.Task task, List<String> targets) {
            return CamRequest.of(task, ModelSetup.beside(new ModelRequest(model, null, device, threads, null, null, null,
                    true), PreprocessingRequest.NONE, labels, layers, FieldNames.PLAIN),
                    MethodRequest.of(method, options).choices(JAVA_NAMES), targets, TargetSpecs.Files.READ, null,
                    task == CamRequest.Task.DETECTION ? detections : null, imageWeight, JAVA_NAMES);
        }

        /**
         * Opens the model; the caller closes the explainer.
         *
         * @return the explainer, its model open
         */
        public Explainer build() {
            return new Explainer(request(CamRequest.Task.CLASSIFICATION, null), top);
        }

        /**
         * Opens the model as a segmenter ({@link SegmentationExplainer}, as {@code cam segment} runs it): each photo's
         * class over the model's own mask explained.
         *
         * @param classSpec the class (index or label), or null for the largest one other than the background
         * @param threshold a one-channel output's mask threshold, strictly between 0 and 1 (cam segment's default:
         *     0.5)
         * @return the segmentation explainer, its model open
         */
        public SegmentationExplainer buildSegmenter(String classSpec, double threshold) {
            return new SegmentationExplainer(request(CamRequest.Task.SEGMENTATION, classSpec == null ? null
                    : List.of(classSpec)), top, threshold);
        }

        /**
         * Opens the model as an object detector ({@link DetectionExplainer}, as {@code cam detect} runs it): its
         * output layout recognised from the output shapes, detections above a score of 0.5 after class-wise NMS at
         * IoU 0.45, at most 100 per photo; the caller closes the explainer.
         *
         * @return the detection explainer, its model open
         */
        public DetectionExplainer buildDetector() {
            return new DetectionExplainer(request(CamRequest.Task.DETECTION, null));
        }
    }
}
