package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TokenReshapeTest {
    private static Tensor range(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.put(i, i);
        }
        return t;
    }

    @Test
    void vitTokensDropTheClassTokenAndFoldRowMajor() {
        TokenReshape r = TokenReshape.of(new long[] {2, 5, 3}, null, false, "l");
        assertThat(r).isEqualTo(new TokenReshape(TokenReshape.Kind.TOKENS, 2, 2, 1));
        Tensor raw = range(2, 5, 3);
        Tensor nchw = r.toNchw(raw);
        assertThat(nchw.shape()).containsExactly(2, 3, 2, 2);
        // token t = 1 + y * 2 + x, channel c
        assertThat(nchw.get(1, 2, 1, 0)).isEqualTo(raw.get(1, 1 + 2, 2));
        assertThat(r.toRaw(nchw, raw, new int[] {0, 1}).maxAbsDiff(raw)).isZero();
        // channel 2 of image 1: every third value, class token included
        assertThat(r.channelSpan(raw.slice(1), 2)).containsExactly(2, 15, 3);
        assertThat(new TokenReshape(TokenReshape.Kind.NCHW, 0, 0, 0).channelSpan(range(3, 2, 2), 1))
                .containsExactly(4, 8, 1);
    }

    @Test
    void swinChannelsLastAndExplicitRules() {
        TokenReshape nhwc = TokenReshape.of(new long[] {1, 2, 3, 4}, "auto", true, "norm1");
        Tensor raw = range(1, 2, 3, 4);
        assertThat(nhwc.toNchw(raw).get(0, 3, 1, 2)).isEqualTo(raw.get(0, 1, 2, 3));
        assertThat(nhwc.toRaw(nhwc.toNchw(raw), raw, new int[] {0}).maxAbsDiff(raw)).isZero();
        assertThat(TokenReshape.of(new long[] {1, 6, 8}, "tokens:2,3", false, "l").toNchw(range(1, 6, 8)).shape())
                .containsExactly(1, 8, 2, 3);
        assertThat(TokenReshape.of(new long[] {1, 198, 8}, null, false, "deit")).isEqualTo(
                new TokenReshape(TokenReshape.Kind.TOKENS, 14, 14, 2));
        assertThat(TokenReshape.of(new long[] {1, 7, 7, 768}, null, false, "swin block").kind())
                .isEqualTo(TokenReshape.Kind.NHWC);
        assertThat(TokenReshape.of(new long[] {1, 768, 7, 7}, null, false, "conv").kind())
                .isEqualTo(TokenReshape.Kind.NCHW);
        assertThatThrownBy(() -> TokenReshape.of(new long[] {1, 7, 8}, null, false, "blocks.3"))
                .hasMessageContaining("blocks.3").hasMessageContaining("reshape tokens:H,W,SKIP");
        assertThatThrownBy(() -> TokenReshape.of(new long[] {1, 10}, null, false, "fc"))
                .hasMessageContaining("not a spatial map");
    }
}
