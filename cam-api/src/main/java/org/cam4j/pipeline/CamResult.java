package org.cam4j.pipeline;

import java.util.List;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * The result of one CAM computation: the final maps (N x H x W in [0, 1]), the model outputs of the
 * (unaugmented) batch ({@code null} for methods that ran only up to the layers), the targets each image was explained for, and per target layer the method's
 * low-resolution map before the ReLU (the reference's {@code get_cam_image}, of the unaugmented batch).
 */
public record CamResult(Tensor cams, Tensor outputs, List<Target> targets, List<Tensor> lowRes) {
}
