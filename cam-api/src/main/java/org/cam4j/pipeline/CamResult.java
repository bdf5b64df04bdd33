package org.cam4j.pipeline;

import java.util.List;
import org.cam4j.target.Target;
import org.cam4j.tensor.Tensor;

/**
 * The result of one CAM computation: the final maps (N x H x W in [0, 1]), the model outputs of the
 * (unaugmented) batch, and the targets each image was explained for.
 */
public record CamResult(Tensor cams, Tensor outputs, List<Target> targets) {
}
