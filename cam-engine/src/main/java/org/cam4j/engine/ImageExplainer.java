package org.cam4j.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.methods.GuidedBackprop;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.math.CamOps;
import org.cam4j.spi.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.image.Overlay;
import org.cam4j.spi.CamMethod;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Explains images with one model: preprocesses a batch, runs each method, writes overlays (on the original photo
 * when no crop is used) and optional {@code .npy} maps, and reports the top predictions. Shared by
 * {@code cam explain} and {@code cam batch}.
 */
public final class ImageExplainer {
    private final ExplainableModel model;
    private final Preprocessing preprocessing;
    private final Labels labels;
    private final List<String> layers;
    private final float imageWeight;

    /** An explainer over an opened model (its caller closes the model). */
    public ImageExplainer(ExplainableModel model, Preprocessing preprocessing, Labels labels, List<String> layers,
                   float imageWeight) {
        this.model = model;
        this.preprocessing = preprocessing;
        this.labels = labels;
        this.layers = layers;
        this.imageWeight = imageWeight;
    }

    /** The model explained. */
    public ExplainableModel model() {
        return model;
    }

    /** How photos become the model's input. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The target layers. */
    public List<String> layers() {
        return layers;
    }

    /** The class names. */
    public Labels labels() {
        return labels;
    }

    /** The photo's weight in overlays. */
    public float imageWeight() {
        return imageWeight;
    }

    /** One class of an image's prediction: its index, name and softmax probability. */
    public record Prediction(int index, String label, double probability) {
    }

    /** What one method gave for one image. */
    public record Explained(Tensor cam, Target target) {
    }

    /** The model input for these photos. */
    public Tensor batch(List<RgbImage> images) {
        return preprocessing.batch(images);
    }

    /** Per image, its {@code top} classes by softmax probability of the outputs, best first. */
    public List<List<Prediction>> predictions(Tensor outputs, int top) {
        List<List<Prediction>> out = new ArrayList<>();
        for (int i = 0; i < outputs.dim(0); i++) {
            double[] probability = CamOps.softmax(outputs.slice(i));
            List<Prediction> p = new ArrayList<>();
            for (int k = 0; k < probability.length; k++) {
                p.add(new Prediction(k, labels.name(k), probability[k]));
            }
            p.sort(Comparator.comparingDouble(Prediction::probability).reversed());
            out.add(p.subList(0, Math.min(top, p.size())));
        }
        return out;
    }

    /** A Cam of one method at this explainer's layers (the caller closes it). */
    public Cam cam(CamMethod method, CamOptions options) {
        return new Cam(model, method, layers, options);
    }

    /** CAMs of one method, with the model's outputs (prefix-only methods run the whole network once for them). */
    public CamResult run(CamMethod method, CamOptions options, Tensor input, List<Target> targets) {
        CamResult r;
        try (Cam cam = new Cam(model, method, layers, options)) {
            r = cam.computeWithOutputs(input, targets);
        }
        checkBoxTargets(r, input);
        return r;
    }

    /**
     * A box-score target whose reference boxes match no detection scores zero and explains nothing: refused when
     * none of them matches, a warning naming each one that does not. The refusal says in which units boxes are read,
     * since {@code cam detect} prints its boxes in photo pixels.
     */
    private static void checkBoxTargets(CamResult r, Tensor input) {
        for (int i = 0; i < r.targets().size(); i++) {
            if (!(r.targets().get(i) instanceof org.cam4j.targets.BoxScoreTarget boxes) || r.outputs() == null) {
                continue;
            }
            List<String> unmatched = boxes.unmatched(r.outputs().slice(i));
            if (unmatched.size() == boxes.boxes().size()) {
                throw new RequestException("no reference box of the boxes target of image " + i + " matches a"
                        + " detection, so its map would be empty: " + String.join("; ", unmatched) + "; reference"
                        + " boxes are corners in the model's output units (most detectors: pixels of the "
                        + input.dim(input.rank() - 1) + " x " + input.dim(input.rank() - 2) + " model input), not the"
                        + " photo pixels 'cam detect' prints; --target detection:LAYOUT:ANCHOR:CLASS takes a detection"
                        + " 'cam detect --json' lists");
            }
            int image = i;
            unmatched.forEach(u -> ModelOpening.LOG.log(System.Logger.Level.WARNING, "image {0}: reference box {1};"
                    + " it adds nothing to the map", image, u));
        }
    }

    /** The CAM over the photo at the photo's size (0..255 RGB), blended with the photo's weight. */
    public Tensor overlay(RgbImage original, Tensor cam) {
        return Overlay.onPhoto(original, cam, preprocessing, imageWeight);
    }

    /**
     * Guided backprop and Guided Grad-CAM pictures of one image (0..255), as pytorch-grad-cam's cam.py writes them.
     */
    public Tensor[] guided(Tensor input, int image, Target target, Tensor cam) {
        Target t = target != null ? target : new ClassifierOutputTarget(0);
        Tensor gb = GuidedBackprop.compute(model, input.rows(image, image + 1).copy(), List.of(t)).slice(0);
        return new Tensor[] {rgb(GuidedBackprop.deprocess(gb)),
            rgb(GuidedBackprop.deprocess(GuidedBackprop.guidedGradCam(gb, cam)))};
    }

    /** An H x W x 1 picture (a grayscale model's gradients) as H x W x 3 gray, as pictures are written. */
    private static Tensor rgb(Tensor picture) {
        if (picture.dim(2) != 1) {
            return picture;
        }
        int pixels = picture.dim(0) * picture.dim(1);
        Tensor out = Tensor.zeros(picture.dim(0), picture.dim(1), 3);
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < 3; c++) {
                out.put(p * 3 + c, picture.at(p));
            }
        }
        return out;
    }

    /**
     * The model's output for one photo, preprocessed as every image is: the concept of a similarity target (the
     * reference's embeddings tutorial takes another photo's embedding through the same model).
     */
    public Tensor embedding(java.nio.file.Path photo) {
        return embedding(model, preprocessing, photo);
    }

    /**
     * {@code model}'s output for one photo preprocessed by {@code preprocessing}, as {@link
     * #embedding(java.nio.file.Path)}.
     */
    public static Tensor embedding(ExplainableModel model, Preprocessing preprocessing, java.nio.file.Path photo) {
        RgbImage image;
        try {
            image = org.cam4j.image.ImageFiles.read(photo, org.cam4j.image.ImageFiles.DEFAULT_MAX_PIXELS,
                    preprocessing.height(), preprocessing.width());
        } catch (IllegalArgumentException e) {
            throw new RequestException("cannot read the concept image: " + String.valueOf(e.getMessage()).lines()
                    .findFirst().orElse(""));
        }
        return model.predict(preprocessing.batch(List.of(image))).slice(0);
    }

    /** Decoding ahead and writing behind the model on one worker per core, images limited to maxPixels. */
    public ImagePipeline pipeline(long maxPixels) {
        return new ImagePipeline(preprocessing, maxPixels, Limits.cores());
    }
}
