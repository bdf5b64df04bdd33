package org.cam4j.engine;

import java.util.List;
import org.cam4j.image.BilinearResize;
import org.cam4j.image.InputGeometry;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.SemanticSegmentationTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Explains a segmentation model on photos as pytorch-grad-cam's semantic-segmentation tutorial does: the mask is
 * the model's own output, and the target is the reference's {@code SemanticSegmentationTarget(class, mask)}, the
 * class's score summed over the mask. A multi-class output (N x C x H x W) gives the mask argmax == class (by
 * default the class with the largest area other than the background, class 0); a one-channel output (N x 1 x H x W
 * or N x H x W) gives it by {@code value > threshold}, on probabilities (an output with values outside [0, 1] is
 * taken for logits and passed through the sigmoid first). A region (photo pixels) keeps only the mask inside it.
 */
public final class ImageSegmenter implements ExplainLoop.TargetRule {
    /** Threshold of a one-channel output's probabilities. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private final ImageExplainer explainer;
    private final Integer category;
    private final double threshold;
    private final double[] region;
    private final int classes;
    private final java.util.Map<ImagePipeline.Loaded, Mask> masks = new java.util.concurrent.ConcurrentHashMap<>();

    /** One image's mask at the output's resolution, its class, and the share of the output it covers. */
    public record Mask(int category, Tensor mask, double fraction) {
    }

    /**
     * @param classSpec the class (index or label), or null for the largest one other than the background
     * @param region    x0, y0, x1, y1 in photo pixels, or null for the whole photo
     */
    public ImageSegmenter(ImageExplainer explainer, String what, String classSpec, double threshold, double[] region,
                          FieldNames names) {
        this.explainer = explainer;
        long[] shape = explainer.model().output().shape();
        if (!isSegmenter(explainer.model())) {
            throw new RequestException(what + " has no spatial output (its output is " + java.util.Arrays.toString(shape)
                    + "); segmentation explains models whose output is N x C x H x W, a map per class");
        }
        this.classes = shape.length == 4 ? (int) shape[1] : 1;
        if (!(threshold > 0 && threshold < 1)) {
            throw new RequestException(names.of("threshold") + " must lie strictly between 0 and 1, got " + threshold);
        }
        this.threshold = threshold;
        this.category = classSpec == null ? null : classes == 1 ? oneChannelClass(classSpec, names)
                : explainer.labels().index(classSpec, classes);
        if (region != null && (region.length != 4 || !(region[2] > region[0] && region[3] > region[1]))) {
            throw new RequestException(names.of("region") + " must be x0,y0,x1,y1 with x0 < x1 and y0 < y1");
        }
        this.region = region;
    }

    /** Whether a model's output is a map per class (N x C x H x W, or one map N x H x W): a segmenter's. */
    public static boolean isSegmenter(org.cam4j.model.ExplainableModel model) {
        long[] shape = model.output().shape();
        return shape.length == 4 && shape[2] != 1 && shape[3] != 1 || shape.length == 3 && shape[1] != 1;
    }

    private static int oneChannelClass(String spec, FieldNames names) {
        if (!spec.equals("0")) {
            throw new RequestException(names.of("class") + " " + spec + ": the model has a one-channel output, class 0");
        }
        return 0;
    }

    @Override
    public boolean readsOutputs() {
        return true;
    }

    /** The image's target: its class over its mask; none when the mask is empty (see {@link #mask}). */
    @Override
    public List<Target> targets(ImagePipeline.Loaded image, Tensor outputs) {
        Mask m = maskOf(image, outputs);
        masks.put(image, m);
        return m.fraction() == 0 ? List.of() : List.of(new SemanticSegmentationTarget(m.category(), m.mask()));
    }

    /** The mask {@link #targets} took for this image. */
    public Mask mask(ImagePipeline.Loaded image) {
        return masks.remove(image);
    }

    private Mask maskOf(ImagePipeline.Loaded image, Tensor outputs) {
        Tensor planes = outputs.rank() == 2 ? outputs.reshape(1, outputs.dim(0), outputs.dim(1)) : outputs;
        int h = planes.dim(1);
        int w = planes.dim(2);
        Tensor mask = Tensor.zeros(h, w);
        int chosen;
        if (classes == 1) {
            chosen = 0;
            Tensor p = planes.slice(0);
            boolean logits = p.min() < 0 || p.max() > 1;
            for (int i = 0; i < mask.size(); i++) {
                double v = logits ? 1 / (1 + Math.exp(-p.at(i))) : p.at(i);
                mask.put(i, v > threshold ? 1f : 0f);
            }
        } else {
            int[] argmax = new int[h * w];
            int[] area = new int[planes.dim(0)];
            for (int i = 0; i < argmax.length; i++) {
                int best = 0;
                for (int c = 1; c < planes.dim(0); c++) {
                    if (planes.at(c * h * w + i) > planes.at(best * h * w + i)) {
                        best = c;
                    }
                }
                argmax[i] = best;
                area[best]++;
            }
            chosen = category != null ? category : largestForeground(area);
            for (int i = 0; i < argmax.length; i++) {
                mask.put(i, argmax[i] == chosen ? 1f : 0f);
            }
        }
        if (region != null) {
            keepInside(mask, image.image());
        }
        double on = 0;
        for (int i = 0; i < mask.size(); i++) {
            on += mask.at(i);
        }
        return new Mask(chosen, mask, on / mask.size());
    }

    /** The class with the largest area other than the background (class 0); the background when it is alone. */
    private static int largestForeground(int[] area) {
        int best = 0;
        for (int c = 1; c < area.length; c++) {
            if (area[c] > 0 && (best == 0 || area[c] > area[best])) {
                best = c;
            }
        }
        return best == 0 && area.length > 1 ? 1 : best;
    }

    /** Zeroes the mask outside the region, taken from photo pixels to the output's through the input. */
    private void keepInside(Tensor mask, RgbImage photo) {
        Preprocessing pre = explainer.preprocessing();
        InputGeometry g = pre.geometryOf(photo);
        double[] box = g.toInput(region);
        double sy = mask.dim(0) / (double) pre.outputHeight();
        double sx = mask.dim(1) / (double) pre.outputWidth();
        int offsetY = pre.cropHeight() > 0 ? (pre.height() - pre.outputHeight()) / 2 : 0;
        int offsetX = pre.cropWidth() > 0 ? (pre.width() - pre.outputWidth()) / 2 : 0;
        for (int y = 0; y < mask.dim(0); y++) {
            for (int x = 0; x < mask.dim(1); x++) {
                double ix = (x + 0.5) / sx + offsetX;
                double iy = (y + 0.5) / sy + offsetY;
                if (ix < box[0] || ix > box[2] || iy < box[1] || iy > box[3]) {
                    mask.put(y * mask.dim(1) + x, 0f);
                }
            }
        }
    }

    /**
     * A map over the model input (or a mask at the output's resolution) on the photo as overlays show it: at the
     * photo's resolution, or on the cropped picture the model saw when the preprocessing crops.
     */
    public Tensor onPhoto(RgbImage photo, Tensor map) {
        Preprocessing pre = explainer.preprocessing();
        Tensor atInput = atInput(map);
        return pre.cropHeight() > 0 ? atInput : pre.geometryOf(photo).mapToPhoto(atInput);
    }

    /** A map at the output's resolution brought to the model input's (bilinear), or as it is when they agree. */
    private Tensor atInput(Tensor map) {
        Preprocessing pre = explainer.preprocessing();
        return map.dim(0) == pre.outputHeight() && map.dim(1) == pre.outputWidth() ? map
                : BilinearResize.resize(map, pre.outputHeight(), pre.outputWidth());
    }

    /** A mask on the photo, 0 or 1 (the resized mask above one half). */
    public Tensor maskOnPhoto(RgbImage photo, Mask mask) {
        return binary(onPhoto(photo, mask.mask()));
    }

    /** A mask at the model input, 0 or 1 (the resized mask above one half): the pointing games' ground truth. */
    public Tensor maskAtInput(Mask mask) {
        return binary(atInput(mask.mask()));
    }

    private static Tensor binary(Tensor soft) {
        Tensor out = Tensor.zeros(soft.shape());
        for (int i = 0; i < out.size(); i++) {
            out.put(i, soft.at(i) > 0.5f ? 1f : 0f);
        }
        return out;
    }

    /** The picture a mask is drawn on: the photo, or the cropped picture the model saw. */
    public Tensor picture(RgbImage photo) {
        Preprocessing pre = explainer.preprocessing();
        return pre.cropHeight() > 0 ? pre.geometry(photo).pixels() : photo.pixels();
    }

    /** The mask drawn on its picture: the object tinted, the rest as it is (values 0..255). */
    public Tensor maskPicture(RgbImage photo, Tensor photoMask) {
        Tensor px = picture(photo);
        Tensor out = Tensor.zeros(px.shape());
        float[] tint = {1f, 0.2f, 0.8f};
        for (int p = 0; p < photoMask.size(); p++) {
            boolean on = photoMask.at(p) > 0.5f;
            for (int c = 0; c < 3; c++) {
                float v = px.at(p * 3 + c);
                out.put(p * 3 + c, 255f * (on ? 0.45f * v + 0.55f * tint[c] : v));
            }
        }
        return out;
    }
}
