package org.cam4j.spi;

import org.cam4j.spi.CamOptions;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Everything a method may use beyond its layer's activations: the input batch, the resolved per-image targets,
 * the forward pass the activations came from, the model (for extra passes) and the options.
 */
public record CamContext(Tensor input, List<Target> targets, ForwardResult forward, ExplainableModel model,
                         CamOptions options) {
    /**
     * Target score of image {@code image} for one output row.
     *
     * @param image the image's index in the batch
     * @param outputRow an output for that image, without the batch axis
     * @return its target's score
     */
    public double score(int image, Tensor outputRow) {
        return targets.get(image).score(outputRow);
    }
}
