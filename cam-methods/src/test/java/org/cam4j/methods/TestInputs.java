package org.cam4j.methods;

import java.util.Random;
import org.cam4j.tensor.Tensor;

/** Inputs for the method tests. */
final class TestInputs {
    private TestInputs() {
    }

    /** A tensor of standard normal values from {@code new Random(seed)}, in row-major order. */
    static Tensor gaussian(long seed, int... shape) {
        Random r = new Random(seed);
        Tensor x = Tensor.zeros(shape);
        for (int k = 0; k < x.size(); k++) {
            x.put(k, (float) r.nextGaussian());
        }
        return x;
    }
}
