package org.cam4j.model;

import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Tensor;

/**
 * Forward passes of masked copies of the input (ScoreCAM), made by the backend where it can do better than the
 * host.
 */
public interface MaskedForward {
    /**
     * Model outputs for masked inputs: row r is {@code input[sourceImage[r]] * masks[r]}, the mask (N' x H x W)
     * broadcast over channels.
     *
     * @param input the images, N x C x H x W (or N x H x W x C)
     * @param masks the masks, N' x H x W
     * @param sourceImage for each mask, the image it applies to
     * @return the outputs, one row per mask
     */
    Tensor forwardMasked(Tensor input, Tensor masks, int[] sourceImage);

    /**
     * Masked forward passes of any model: its own when it has them, else the masked images through {@code predict}.
     *
     * @param model the model
     * @param input the images
     * @param masks the masks, N' x H x W
     * @param sourceImage for each mask, the image it applies to
     * @return the outputs, one row per mask
     */
    static Tensor run(ExplainableModel model, Tensor input, Tensor masks, int[] sourceImage) {
        return model instanceof MaskedForward m ? m.forwardMasked(input, masks, sourceImage)
                : byPredict(model, input, masks, sourceImage);
    }

    /**
     * The masked images made on the host and run through {@link ExplainableModel#predict}.
     *
     * @param model the model
     * @param input the images
     * @param masks the masks, N' x H x W
     * @param sourceImage for each mask, the image it applies to
     * @return the outputs, one row per mask
     */
    static Tensor byPredict(ExplainableModel model, Tensor input, Tensor masks, int[] sourceImage) {
        int n = masks.dim(0);
        int[] shape = input.shape();
        shape[0] = n;
        Tensor masked = Tensor.zeros(shape);
        int channels = model.input().layout() == Layout.NHWC ? shape[3] : shape[1];
        int pixels = masks.size() / n;
        for (int r = 0; r < n; r++) {
            Tensor src = input.slice(sourceImage[r]);
            Tensor dst = masked.slice(r);
            Tensor mask = masks.slice(r);
            for (int i = 0; i < src.size(); i++) {
                int pixel = model.input().layout() == Layout.NHWC ? i / channels : i % pixels;
                dst.put(i, src.at(i) * mask.at(pixel));
            }
        }
        return model.predict(masked);
    }
}
