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
