package org.cam4j.engine;

import java.util.Arrays;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Tensor;

/** The one rule for a preprocessed input batch given as {@code .npy} (a door's {@code --input}), checked once. */
public final class NpyInputs {
    private NpyInputs() {
    }

    /**
     * The batch as the model takes it: N x C x H x W (or N x H x W x C), non-empty; one image without its batch
     * axis (C x H x W, as torchvision's detectors take it) becomes a batch of one.
     */
    public static Tensor batch(Tensor given, ExplainableModel model) {
        Tensor x = given.rank() == 3 && model.input().shape().length == 4 ? given.reshape(prepend(given.shape()))
                : given;
        if (x.rank() != 4 || x.dim(0) == 0) {
            throw new RequestException("--input must hold a non-empty N x C x H x W (or N x H x W x C) batch, or one"
                    + " C x H x W image, got shape " + Arrays.toString(given.shape()));
        }
        return x;
    }

    private static int[] prepend(int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = 1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
