package org.cam4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The automatic perturbation batch: budget over per-input bytes, bounded by the inputs to run and by 1. */
class PerturbationBatchTest {
    /** A model that only answers how much memory one image costs. */
    private static ExplainableModel costing(long bytesPerImage) {
        return (ExplainableModel) Proxy.newProxyInstance(ExplainableModel.class.getClassLoader(),
                new Class<?>[] {ExplainableModel.class}, (proxy, method, args) -> {
                    if (method.getName().equals("activationBytesPerImage")) {
                        return bytesPerImage;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static final Tensor IMAGE = Tensor.zeros(1, 3, 224, 224);

    @Test
    void theBudgetOverWhatOneInputCosts() {
        long mask = 2L * 4 * 224 * 224;
        assertThat(PerturbationBatch.size(costing(6_000_000), IMAGE, 224 * 224, 512L << 20, 512))
                .isEqualTo((int) ((512L << 20) / (6_000_000 + mask)));
        assertThat(PerturbationBatch.size(costing(6_000_000), IMAGE, 224 * 224, 100_000_000, 512)).isEqualTo(15);
    }

    @Test
    void neverMoreThanTheInputsNorLessThanOne() {
        assertThat(PerturbationBatch.size(costing(1000), IMAGE, 224 * 224, 512L << 20, 40)).isEqualTo(40);
        assertThat(PerturbationBatch.size(costing(1L << 40), IMAGE, 224 * 224, 512L << 20, 40)).isEqualTo(1);
        assertThat(PerturbationBatch.size(costing(0), IMAGE, 1, Long.MAX_VALUE, 100_000)).isEqualTo(1024);
    }

    @Test
    void aBackendThatCannotTellGetsTheFormerFixedBatch() {
        assertThat(PerturbationBatch.size(costing(-1), IMAGE, 224 * 224, 512L << 20, 512))
                .isEqualTo(PerturbationBatch.UNKNOWN_MEMORY_BATCH);
        assertThat(PerturbationBatch.size(costing(-1), IMAGE, 224 * 224, 512L << 20, 5)).isEqualTo(5);
    }
}
