package org.cam4j.engine;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Overlay;
import org.cam4j.image.RgbImage;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * The Java entry point for segmentation models, as {@code cam segment} runs them ({@link
 * Explainer.Builder#buildSegmenter}): per photo the model's own mask of a class (the one asked for, else the largest
 * other than the background), and the map of that class over that mask (the reference's
 * {@code SemanticSegmentationTarget}), both at the photo's size.
 */
public final class SegmentationExplainer implements AutoCloseable {
    private final Explainer explainer;
    private final ImageSegmenter segmenter;

    SegmentationExplainer(CamRequest request, int top, double threshold) {
        this.explainer = new Explainer(request, top);
        try {
            this.segmenter = new ImageSegmenter(explainer.images(), "model " + request.model().model().file(),
                    request.targets().isEmpty() ? null : request.targets().get(0), threshold, null, FieldNames.PLAIN);
        } catch (RuntimeException e) {
            explainer.close();
            throw e;
        }
    }

    /**
     * The photo's mask and its class's map.
     *
     * @param photo the photo
     * @return the class, the mask, the map and its overlay
     */
    public Segmentation explain(BufferedImage photo) {
        return explain(ImageFiles.fromImage(photo));
    }

    /**
     * The image file's mask and its class's map.
     *
     * @param imageFile a PNG, JPEG or BMP file
     * @return the class, the mask, the map and its overlay
     */
    public Segmentation explain(Path imageFile) {
        return explain(ImageFiles.read(imageFile));
    }

    private Segmentation explain(RgbImage photo) {
        ImageExplainer images = explainer.images();
        Tensor input = images.batch(List.of(photo));
        ImagePipeline.Loaded image = new ImagePipeline.Loaded(null, photo, input.slice(0));
        List<Target> targets = segmenter.targets(image, images.model().predict(input).slice(0));
        ImageSegmenter.Mask mask = segmenter.mask(image);
        String label = images.labels().name(mask.category());
        if (targets.isEmpty()) {
            throw new RequestException("the mask of class " + label + " is empty on this photo; choose another class or"
                    + " threshold");
        }
        Tensor map = segmenter.onPhoto(photo, explainer.run(input, targets).cams().slice(0));
        return new Segmentation(mask.category(), label, mask.fraction(), segmenter.maskOnPhoto(photo, mask), map,
                Overlay.showCamOnImage(segmenter.picture(photo), map, images.imageWeight()));
    }

    /**
     * The target layers the maps are computed at.
     *
     * @return the layers
     */
    public List<String> layers() {
        return explainer.layers();
    }

    @Override
    public void close() {
        explainer.close();
    }

    /**
     * A photo's segmentation and its map.
     *
     * @param classIndex the class explained
     * @param label its name (its index without a labels file)
     * @param fraction the share of the model's output its mask covers
     * @param mask the mask at the photo's size, 0 or 1
     * @param map the class's map over its mask at the photo's size, in [0, 1]
     * @param overlayPixels the map on the photo (H x W x 3, 0..255)
     */
    public record Segmentation(int classIndex, String label, double fraction, Tensor mask, Tensor map,
                               Tensor overlayPixels) {
        /**
         * The overlay as an image.
         *
         * @return the overlay
         */
        public BufferedImage overlay() {
            return ImageFiles.toImage(overlayPixels);
        }
    }
}
