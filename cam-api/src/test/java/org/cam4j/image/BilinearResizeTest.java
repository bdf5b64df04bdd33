package org.cam4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BilinearResizeTest {
    @Test
    void upsamplesWithHalfPixelCentresAndEdgeClamp() {
        // cv2.resize(np.float32([[0, 1], [2, 3]]), (4, 4)) by hand: taps at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
        Tensor out = BilinearResize.resize(Tensor.of(new float[] {0, 1, 2, 3}, 2, 2), 4, 4);
        assertThat(out.toArray()).containsExactly(
                0f, 0.25f, 0.75f, 1f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2f, 2.25f, 2.75f, 3f);
    }

    @Test
    void nonIntegerRatiosAndDownsampling() {
        // 3 -> 2 columns: taps at 0.25 and 1.75 (in - 1 = 2 is not reached)
        Tensor out = BilinearResize.resize(Tensor.of(new float[] {0, 10, 20}, 1, 3), 1, 2);
        assertThat(out.at(0)).isCloseTo(2.5f, within(1e-6f));
        assertThat(out.at(1)).isCloseTo(17.5f, within(1e-6f));
    }
}
