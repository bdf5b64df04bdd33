package org.cam4j.engine.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.Labels;
import org.cam4j.engine.RequestException;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * A segmentation model evaluated on its own masks ({@code cam evaluate --own-mask}): per image the segmentation
 * target of one class's mask as the model predicts it, and that mask at the model input as the ground truth of the
 * pointing games. An image whose mask of the class is empty is refused, naming it.
 *
 * @param targets one segmentation target per image
 * @param truth per image the mask (1 on the object), N x H x W
 */
public record OwnMasks(List<Target> targets, Tensor truth) {
    /**
     * The targets and masks of a batch.
     *
     * @param explainer the segmentation model with its preprocessing, labels and layers
     * @param model how messages name the model
     * @param category the class whose mask is read (a number or label), or null for the segmenter's default
     * @param input the batch, N x C x H x W
     * @param names the door's words
     */
    public static OwnMasks of(ImageExplainer explainer, String model, String category, Tensor input,
                              FieldNames names) {
        ImageSegmenter segmenter = new ImageSegmenter(explainer, model, category, ImageSegmenter.DEFAULT_THRESHOLD,
                null, names);
        Labels labels = explainer.labels();
        Tensor outputs = explainer.model().predict(input);
        List<Target> targets = new ArrayList<>();
        List<Tensor> truth = new ArrayList<>();
        for (int i = 0; i < input.dim(0); i++) {
            ImagePipeline.Loaded row = new ImagePipeline.Loaded(null, null, input.slice(i));
            List<Target> t = segmenter.targets(row, outputs.slice(i));
            ImageSegmenter.Mask mask = segmenter.mask(row);
            if (t.isEmpty()) {
                throw new RequestException("image " + i + ": the model's mask of class " + labels.name(mask.category())
                        + " is empty; choose another " + names.of("class"));
            }
            targets.addAll(t);
            truth.add(segmenter.maskAtInput(mask));
        }
        return new OwnMasks(targets, Tensor.stack(truth));
    }
}
