package org.cam4j.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.detection.BoxRenormalization;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.image.InputGeometry;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.BoxDrawing;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Overlay;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.targets.BoxScoreTarget;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Explains a detector on photos: preprocess (resize or letterbox), detect (decode, threshold, NMS), then per method
 * one CAM for all detections (the reference's box-score target over every detection) or one per detection (its
 * own score), optionally renormalised inside the boxes, brought back onto the photo with the boxes drawn.
 * Shared by {@code cam detect} and {@code cam batch} with {@code task: detection}.
 */
public final class ImageDetector {
    /** Defaults of cam detect's options and of a batch YAML's detection section. */
    public static final String DEFAULT_SCORE_THRESHOLD = "0.5";
    /** Default IoU above which NMS drops the weaker of two boxes of one class. */
    public static final String DEFAULT_IOU = "0.45";
    /** Default number of detections kept per photo. */
    public static final String DEFAULT_TOP_K = "100";

    /** IoU above which a detection matches a reference box in the box-score target (the reference's default). */
    public static final double MATCH_IOU = 0.5;

    private final ExplainableModel model;
    private final Preprocessing preprocessing;
    private final Labels labels;
    private final List<String> layers;
    private final DetectionLayout layout;
    private final PostProcessing postProcessing;
    private final boolean letterbox;
    private final float imageWeight;

    /**
     * A detector over an opened model reading {@code layout}; refuses a preprocessing that crops (boxes map back to the
     * whole photo).
     */
    public ImageDetector(ExplainableModel model, Preprocessing preprocessing, Labels labels, List<String> layers,
                  DetectionLayout layout, PostProcessing postProcessing, boolean letterbox, float imageWeight) {
        if (preprocessing.cropHeight() > 0) {
            throw new RequestException("detection maps boxes back to the whole photo; drop --crop (or the model YAML's"
                    + " crop)");
        }
        this.model = model;
        this.preprocessing = preprocessing;
        this.labels = labels;
        this.layers = layers;
        this.layout = layout;
        this.postProcessing = postProcessing;
        this.letterbox = letterbox;
        this.imageWeight = imageWeight;
    }

    /** The target layers its CAMs are computed at. */
    public List<String> layers() {
        return layers;
    }

    /**
     * One photo as the model saw it and what it found there; {@code decoded} says the size of the photo's file
     * (larger than {@code photo} when it was decoded subsampled), in which boxes are reported.
     */
    public record Found(Path file, RgbImage photo, ImageFiles.Decoded decoded, InputGeometry geometry, Tensor input,
                        List<Detection> detections) {
    }

    /** A photo decoded and laid out as the model's input, or the one-line reason it could not be read. */
    public record Prepared(Path file, ImageFiles.Decoded decoded, InputGeometry geometry, Tensor input,
                           String error) {
        /** The decoded photo, or null when it could not be read. */
        public RgbImage photo() {
            return decoded == null ? null : decoded.image();
        }
    }

    /** Decodes (from {@code reader}'s bytes when given) and resizes or letterboxes one photo; never throws. */
    public Prepared prepare(Path file, String shown, long maxPixels, java.util.function.Function<Path, byte[]> reader) {
        try {
            ImageFiles.Decoded decoded = reader == null ? ImageFiles.decoded(file, maxPixels, 1, 1)
                    : ImageFiles.decoded(reader.apply(file), shown, maxPixels, 1, 1);
            return layOut(file, decoded);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            return new Prepared(file, null, null, null, String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse(""));
        }
    }

    /**
     * A photo already in memory, resized or letterboxed as the model's input.
     *
     * @param photo the photo
     * @return it prepared, with no file
     */
    public Prepared prepare(RgbImage photo) {
        return layOut(null, new ImageFiles.Decoded(photo, photo.width(), photo.height()));
    }

    private Prepared layOut(Path file, ImageFiles.Decoded decoded) {
        RgbImage photo = decoded.image();
        int h = preprocessing.height();
        int w = preprocessing.width();
        InputGeometry geometry = letterbox ? InputGeometry.letterbox(photo.width(), photo.height(), w, h)
                : InputGeometry.resize(photo.width(), photo.height(), w, h);
        Tensor input = Tensor.stack(List.of(preprocessing.tensor(geometry.letterboxed(photo))));
        return new Prepared(file, decoded, geometry, input, null);
    }

    /** The photos prepared in order on {@code pipeline}'s workers, a few ahead of the model (bounded). */
    public java.util.Iterator<Prepared> ahead(org.cam4j.pipeline.ImagePipeline pipeline, List<Path> photos,
                                       java.util.function.Function<Path, String> shown, long maxPixels,
                                       java.util.function.Function<Path, byte[]> reader) {
        return pipeline.ordered(photos.iterator(), p -> prepare(p, shown.apply(p), maxPixels, reader),
                2 * Limits.cores());
    }

    /** Runs the model on a prepared photo and post-processes its output. */
    public Found detect(Prepared p) {
        return new Found(p.file(), p.photo(), p.decoded(), p.geometry(), p.input(), detect(p.input()));
    }

    /** The detections of a batch of one preprocessed image, boxes in the model output's units. */
    public List<Detection> detect(Tensor input) {
        return postProcessing.detect(model.predict(input).slice(0), layout);
    }

    /** Whether the model takes N x H x W x C batches. */
    public boolean inputLayoutIsNhwc() {
        return model.input().layout() == org.cam4j.tensor.Layout.NHWC;
    }

    /** A detection's box in the pixels of the photo's file (x1, y1, x2, y2). */
    public double[] photoBox(Found f, Detection d) {
        double[] box = decodedBox(f, d);
        return new double[] {box[0] * f.decoded().scaleX(), box[1] * f.decoded().scaleY(),
            box[2] * f.decoded().scaleX(), box[3] * f.decoded().scaleY()};
    }

    /** A detection's box in the pixels of the decoded photo, where overlays are drawn. */
    private double[] decodedBox(Found f, Detection d) {
        return f.geometry().toPhoto(inputBox(f, d));
    }

    private double[] inputBox(Found f, Detection d) {
        return layout.toInputPixels(d.box(), f.geometry().inputWidth(), f.geometry().inputHeight());
    }

    /** A detection's class name (its index without a labels file). */
    public String label(Detection d) {
        return labels.name(d.label());
    }

    /** Puts a detection's label, score and box (photo pixels, two decimals) into its JSON entry. */
    public com.fasterxml.jackson.databind.node.ObjectNode describe(Found f, Detection d,
                                                           com.fasterxml.jackson.databind.node.ObjectNode entry) {
        putBox(entry.put("label", label(d)).put("score", d.score()), photoBox(f, d));
        return entry;
    }

    /**
     * Puts a box's corners, two decimals, into a JSON entry as {@code box}.
     *
     * @param entry the detection's entry
     * @param corners x1, y1, x2, y2
     */
    public static void putBox(com.fasterxml.jackson.databind.node.ObjectNode entry, double[] corners) {
        var box = entry.putArray("box");
        for (double v : corners) {
            box.add(Math.round(v * 100) / 100.0);
        }
    }

    /**
     * Whether a method gives each detection its own map: it must read the target (a method of the activations only,
     * as EigenCAM, gives one map whatever is detected, so it is computed once for all detections).
     */
    public static boolean perBox(CamMethod method, boolean asked) {
        return asked && !method.needs().isEmpty();
    }

    /** Detections explained per model run when each has its own map, so memory stays flat in their number. */
    public static final int BOXES_PER_RUN = 8;

    /**
     * CAMs over the model input (rows x H x W): with {@code perBox} one row per detection (its own score), else one
     * row for all detections together. Holds every map at once: {@link #forEachCam} does not.
     */
    public Tensor cams(CamMethod method, CamOptions options, Found f, boolean perBox, boolean renormalize) {
        List<Tensor> maps = new ArrayList<>();
        forEachCam(method, options, f, perBox, renormalize, (map, k) -> maps.add(map));
        return maps.isEmpty() ? Tensor.zeros(0, preprocessing.height(), preprocessing.width()) : Tensor.stack(maps);
    }

    /**
     * Each CAM over the model input (H x W) with its index, in order: with {@code perBox} one per detection,
     * computed {@value #BOXES_PER_RUN} detections per model run and handed on before the next run, else one for all
     * detections together.
     */
    public void forEachCam(CamMethod method, CamOptions options, Found f, boolean perBox, boolean renormalize,
                           java.util.function.ObjIntConsumer<Tensor> sink) {
        List<Detection> found = f.detections();
        if (!perBox) {
            sink.accept(camsOf(method, options, f, found, false, renormalize).slice(0), 0);
            return;
        }
        for (int from = 0; from < found.size(); from += BOXES_PER_RUN) {
            Tensor part = camsOf(method, options, f, found.subList(from, Math.min(found.size(),
                    from + BOXES_PER_RUN)), true, renormalize);
            for (int k = 0; k < part.dim(0); k++) {
                sink.accept(part.slice(k), from + k);
            }
        }
    }

    private Tensor camsOf(CamMethod method, CamOptions options, Found f, List<Detection> found, boolean perBox,
                          boolean renormalize) {
        List<Target> targets = new ArrayList<>();
        List<Tensor> rows = new ArrayList<>();
        if (perBox) {
            for (Detection d : found) {
                targets.add(new DetectionScoreTarget(layout, d.anchor(), d.label()));
                rows.add(f.input().slice(0));
            }
        } else {
            targets.add(new BoxScoreTarget(layout, postProcessing, found.stream().map(Detection::box).toList(),
                    found.stream().mapToInt(Detection::label).toArray(), MATCH_IOU));
            rows.add(f.input().slice(0));
        }
        if (rows.isEmpty()) {
            return Tensor.zeros(0, preprocessing.height(), preprocessing.width());
        }
        Tensor cams;
        try (Cam cam = new Cam(model, method, layers, options)) {
            cams = cam.compute(Tensor.stack(rows), targets).cams();
        }
        if (renormalize) {
            for (int r = 0; r < cams.dim(0); r++) {
                List<double[]> boxes = perBox ? List.of(inputBox(f, found.get(r)))
                        : found.stream().map(d -> inputBox(f, d)).toList();
                cams.slice(r).copyFrom(BoxRenormalization.apply(cams.slice(r), boxes));
            }
        }
        return cams;
    }

    /** Workers that prepare photos ahead of the model and write behind it, one per core. */
    public org.cam4j.pipeline.ImagePipeline writer(long maxPixels) {
        return writer(maxPixels, Limits.cores());
    }

    /** Workers that prepare photos ahead of the model and write behind it, this many. */
    public org.cam4j.pipeline.ImagePipeline writer(long maxPixels, int workers) {
        return new org.cam4j.pipeline.ImagePipeline(preprocessing, maxPixels, workers);
    }

    /** A CAM over the model input brought onto the photo (photo height x width, in [0, 1]). */
    public Tensor onPhoto(Found f, Tensor cam) {
        return f.geometry().mapToPhoto(cam);
    }

    /** The overlay of a photo-sized CAM with the given detections drawn and captioned. */
    public Tensor overlay(Found f, Tensor photoCam, List<Detection> shown) {
        Tensor picture = Overlay.showCamOnImage(f.photo().pixels(), photoCam, imageWeight);
        return BoxDrawing.draw(picture, shown.stream().map(d -> new BoxDrawing.LabeledBox(decodedBox(f, d),
                String.format(java.util.Locale.ROOT, "%s %.2f", label(d), d.score()))).toList());
    }
}
