package org.cam4j.pipeline;

import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Tensor;

/**
 * How many perturbed inputs go into one forward run when the user leaves it to us: as many as fit in a memory budget,
 * each costing the model's live activations for one image ({@link ExplainableModel#activationBytesPerImage}) plus
 * its mask on the host and on the device, and never more than there are inputs to run.
 */
public final class PerturbationBatch {
    /** The default budget for one run's activations: 512 MiB. */
    public static final long DEFAULT_BUDGET_BYTES = 512L << 20;
    /** Used when the backend cannot estimate its memory: the batch that was the fixed default before. */
    public static final int UNKNOWN_MEMORY_BATCH = 32;
    /** Perturbed inputs per run at the most: 1024 ImageNet inputs are 600 MB of floats. */
    public static final int MAX_BATCH = 1024;

    private PerturbationBatch() {
    }

    /**
     * The batch for {@code inputs} perturbed copies of images like {@code input} (one image's H x W mask each) within
     * {@code budgetBytes}; at least 1.
     *
     * @param model the model, which tells what one more image costs
     * @param input images like those perturbed
     * @param maskPixels pixels of one mask
     * @param budgetBytes the memory the batch may use
     * @param inputs how many perturbed inputs there are in all
     * @return the batch size, between 1 and {@link #MAX_BATCH}
     */
    public static int size(ExplainableModel model, Tensor input, int maskPixels, long budgetBytes, int inputs) {
        long perImage = model.activationBytesPerImage(input);
        int batch;
        if (perImage < 0) {
            batch = UNKNOWN_MEMORY_BATCH;
        } else {
            long perInput = perImage + 2L * Float.BYTES * maskPixels;
            batch = (int) Math.min(MAX_BATCH, Math.max(1, budgetBytes / Math.max(1, perInput)));
        }
        return Math.max(1, Math.min(batch, inputs));
    }
}
