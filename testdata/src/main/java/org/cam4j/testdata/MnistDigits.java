package org.cam4j.testdata;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The MNIST test set in its IDX files ({@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}). */
public final class MnistDigits {
    public static final int SIDE = 28;

    private MnistDigits() {
    }

    /** The bundled first 200 test digits ({@link TestFiles#MNIST_IMAGES}), copied to {@code dir} under MNIST's names. */
    public static Path bundled(Path dir) throws IOException {
        Files.move(TestFiles.copy(TestFiles.MNIST_IMAGES, dir), dir.resolve("t10k-images-idx3-ubyte.gz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(TestFiles.copy(TestFiles.MNIST_LABELS, dir), dir.resolve("t10k-labels-idx1-ubyte.gz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /** The first {@code n} test images, n x 28 x 28 pixel values 0..255 (row-major, one byte each). */
    public static byte[] images(Path dir, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                Files.newInputStream(dir.resolve("t10k-images-idx3-ubyte.gz"))))) {
            in.readInt();
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] px = new byte[n * rows * cols];
            in.readFully(px);
            return px;
        }
    }

    /** The first {@code n} test labels. */
    public static int[] labels(Path dir, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                Files.newInputStream(dir.resolve("t10k-labels-idx1-ubyte.gz"))))) {
            in.readInt();
            in.readInt();
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }
}
