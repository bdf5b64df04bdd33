package org.cam4j.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.cam4j.tensor.AtomicFiles;
import org.cam4j.tensor.Tensor;

/** Reading PNG, JPEG (also {@code .jfif}) and BMP images as RGB, and writing 8-bit RGB PNGs. */
public final class ImageFiles {
    /** File endings read as images. */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "jfif", "bmp");

    private ImageFiles() {
    }

    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1));
    }

    public static RgbImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("image " + file + " does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read image " + file + " (" + e.getMessage()
                    + "); supported formats: " + String.join(", ", EXTENSIONS), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("cannot read image " + file + ": not a supported image; supported"
                    + " formats: " + String.join(", ", EXTENSIONS));
        }
        int h = img.getHeight();
        int w = img.getWidth();
        float[] rgb = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                rgb[i] = ((p >> 16) & 0xff) / 255f;
                rgb[i + 1] = ((p >> 8) & 0xff) / 255f;
                rgb[i + 2] = (p & 0xff) / 255f;
            }
        }
        return new RgbImage(Tensor.of(rgb, h, w, 3));
    }

    /** Writes an H x W x 3 tensor of 0..255 values as an RGB PNG, atomically. */
    public static void writePng(Path file, Tensor rgb255) {
        int h = rgb255.dim(0);
        int w = rgb255.dim(1);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                int r = clamp(rgb255.at(i));
                int g = clamp(rgb255.at(i + 1));
                int b = clamp(rgb255.at(i + 2));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, (int) v));
    }
}
