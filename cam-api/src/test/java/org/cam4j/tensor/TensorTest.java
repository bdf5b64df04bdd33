package org.cam4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {
    private static Tensor range(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.put(i, i);
        }
        return t;
    }

    @Test
    void firstNonFiniteFindsTheFirstNanOrInfinityAnywhereAndInSlices() {
        Tensor t = Tensor.zeros(3, 5000);
        t.put(7, Float.MAX_VALUE);
        t.put(8, -Float.MAX_VALUE);
        t.put(9, -0f);
        assertThat(t.firstNonFinite()).isEqualTo(-1);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Tensor u = t.copy();
            u.put(12_345, bad);
            u.put(14_000, Float.NaN);
            assertThat(u.firstNonFinite()).as("%s", bad).isEqualTo(12_345);
            // a slice counts from its own start: image 2 starts at 10 000
            assertThat(u.slice(2).firstNonFinite()).isEqualTo(2_345);
            assertThat(u.slice(0).firstNonFinite()).isEqualTo(-1);
            u.put(4_095, bad);
            assertThat(u.firstNonFinite()).as("the last value of the first block").isEqualTo(4_095);
        }
    }

    @Test
    void slicesAndReshapesAreViews() {
        Tensor t = range(2, 3, 4);
        Tensor s = t.slice(1);
        assertThat(s.shape()).containsExactly(3, 4);
        assertThat(s.get(2, 3)).isEqualTo(23f);
        s.set(-1f, 0, 0);
        assertThat(t.get(1, 0, 0)).isEqualTo(-1f);
        assertThat(t.reshape(6, -1).get(5, 3)).isEqualTo(23f);
        assertThat(t.rows(1, 2).shape()).containsExactly(1, 3, 4);
    }

    @Test
    void transposeMovesAxes() {
        Tensor t = range(2, 3, 4);
        Tensor p = t.transpose(2, 0, 1);
        assertThat(p.shape()).containsExactly(4, 2, 3);
        assertThat(p.get(3, 1, 2)).isEqualTo(t.get(1, 2, 3));
    }

    @Test
    void stackAndConcat() {
        Tensor a = range(2, 2);
        Tensor s = Tensor.stack(List.of(a, a));
        assertThat(s.shape()).containsExactly(2, 2, 2);
        Tensor c = Tensor.concat(List.of(range(1, 3), range(2, 3)));
        assertThat(c.shape()).containsExactly(3, 3);
        assertThat(c.get(2, 1)).isEqualTo(4f);
    }

    @Test
    void shapeMismatchesNameBothShapes() {
        assertThatThrownBy(() -> range(2, 3).requireShape(3, 2))
                .hasMessage("expected shape [3, 2], got [2, 3]");
        assertThatThrownBy(() -> range(2, 3).reshape(4, 2)).hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("[2, 3]");
    }
}
