package org.cam4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG writer: lossless with either coding, and deflate's matching kept where the image is flat. */
class PngWriterTest {
    /** h x w RGB bytes: a smooth gradient plus noise of +-amplitude (0: the gradient alone), flat left of flatUpTo. */
    private static byte[] picture(int height, int width, int amplitude, int flatUpTo, long seed) {
        Random random = new Random(seed);
        byte[] rgb = new byte[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = x < flatUpTo ? 40 + 60 * c
                            : (x + 2 * y + 50 * c) % 200 + (amplitude == 0 ? 0 : random.nextInt(2 * amplitude + 1));
                    rgb[(y * width + x) * 3 + c] = (byte) v;
                }
            }
        }
        return rgb;
    }

    private static void decodesTo(byte[] png, byte[] rgb, int height, int width) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(width);
        assertThat(img.getHeight()).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = img.getRGB(x, y);
                int i = (y * width + x) * 3;
                assertThat(new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255}).as("pixel %d,%d", x, y)
                        .containsExactly(rgb[i] & 255, rgb[i + 1] & 255, rgb[i + 2] & 255);
            }
        }
    }

    @Test
    void photoLikeAndFlatImagesBothDecodeToTheirPixels() throws Exception {
        for (int flatUpTo : new int[] {0, 150, 301}) {
            byte[] rgb = picture(77, 301, 20, flatUpTo, flatUpTo);
            decodesTo(PngWriter.encode(rgb, 77, 301), rgb, 77, 301);
        }
        byte[] tiny = picture(1, 1, 0, 0, 0);
        decodesTo(PngWriter.encode(tiny, 1, 1), tiny, 1, 1);
    }

    @Test
    void noisyImagesUseHuffmanCodingAloneAndFlatOnesKeepMatching() {
        assertThat(PngWriter.mostlyFlat(picture(64, 200, 20, 0, 1), 64, 200)).isFalse();
        assertThat(PngWriter.mostlyFlat(picture(64, 200, 20, 60, 1), 64, 200)).as("30% flat").isFalse();
        assertThat(PngWriter.mostlyFlat(picture(64, 200, 20, 140, 1), 64, 200)).as("70% flat").isTrue();
        assertThat(PngWriter.mostlyFlat(picture(64, 200, 0, 0, 1), 64, 200)).as("a gradient: constant steps")
                .isFalse();
        // one colour: matching leaves almost nothing (Huffman coding alone could not go below 1 bit per byte)
        byte[] flat = picture(720, 1280, 0, 1280, 0);
        assertThat(PngWriter.encode(flat, 720, 1280).length).isLessThan(flat.length / 100);
    }
}
