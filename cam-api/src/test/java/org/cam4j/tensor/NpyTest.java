package org.cam4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void float32RoundTrip() {
        Tensor t = Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 1e-8f, 7f}, 2, 3);
        Path f = dir.resolve("a.npy");
        Npy.write(f, t);
        Tensor back = Npy.read(f);
        assertThat(back.shape()).containsExactly(2, 3);
        assertThat(back.toArray()).containsExactly(t.toArray());
    }

    @Test
    void float16AndInt64RoundTrip() {
        Tensor t = Tensor.of(new float[] {0.1f, 1f, -65504f, 6.1035156e-05f, 3e-7f, 0.33325195f}, 6);
        Npy.write(dir.resolve("h.npy"), t, Npy.DType.FLOAT16);
        float[] back = Npy.read(dir.resolve("h.npy")).toArray();
        // exactly representable halves come back unchanged; others are the nearest half
        assertThat(back[1]).isEqualTo(1f);
        assertThat(back[2]).isEqualTo(-65504f);
        assertThat(back[3]).isEqualTo(6.1035156e-05f);
        assertThat(back[5]).isEqualTo(0.33325195f);
        assertThat(back[0]).isEqualTo(0.099975586f);
        assertThat(back[4]).isEqualTo(2.9802322e-07f);
        Npy.write(dir.resolve("i.npy"), Tensor.of(new float[] {281, 243}, 2), Npy.DType.INT64);
        assertThat(Npy.read(dir.resolve("i.npy")).toArray()).containsExactly(281f, 243f);
    }

    @Test
    void scalarAnd1dHeadersAreNumpyShaped() throws Exception {
        Npy.write(dir.resolve("v.npy"), Tensor.of(new float[] {1, 2, 3}, 3));
        String header = new String(Files.readAllBytes(dir.resolve("v.npy")), 10, 60, "ISO-8859-1");
        assertThat(header).contains("'shape': (3,)");
        assertThat(Files.size(dir.resolve("v.npy"))).isEqualTo(128 + 3 * 4);
    }

    @Test
    void corruptFilesAreNamed() throws Exception {
        Path f = dir.resolve("bad.npy");
        Files.writeString(f, "hello");
        assertThatThrownBy(() -> Npy.read(f)).hasMessageContaining("bad.npy").hasMessageContaining("not a .npy");
        Npy.write(f, Tensor.zeros(4, 4));
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> Npy.read(f)).hasMessageContaining("truncated");
    }
}
