package org.cam4j.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Real files shipped with the tests (licences in {@code NOTICE.md} beside them), copied out to a folder. */
public final class TestFiles {
    /** A JPEG photo with a {@code .jfif} name (MIT, pytorch-grad-cam). */
    public static final String DOG_CAT_JFIF = "dog_cat.jfif";
    /** A pretrained MNIST CNN (MIT, RuiyangJu/MNIST-CANVAS): input pixels / 255, fixed batch 1, Grad-CAM layer "21". */
    public static final String MNIST_CNN = "mnist_cnn.onnx";
    /** The first 200 MNIST test digits and labels (CC BY-SA 3.0), IDX files. */
    public static final String MNIST_IMAGES = "mnist-t10k-200-images-idx3-ubyte.gz";
    public static final String MNIST_LABELS = "mnist-t10k-200-labels-idx1-ubyte.gz";

    /** The UltraFace RFB-320 face detector (MIT), its YAML, labels and five photos, in the folder {@code ultraface/}. */
    public static final String ULTRAFACE = "ultraface/version-RFB-320.onnx";
    /** The UltraFace photos shipped, {@code ultraface/<name>}. */
    public static final java.util.List<String> ULTRAFACE_PHOTOS = java.util.List.of("1.jpg", "2.jpg", "13.jpg",
            "19.jpg", "23.jpg");
    /** The UltraFace repository's numpy post-processing of each photo's raw outputs (see NOTICE.md there). */
    public static final String ULTRAFACE_REFERENCE = "ultraface/reference-boxes.json";

    private TestFiles() {
    }

    /** Copies a test file (a name, or {@code folder/name}) into {@code dir}, keeping its folder. */
    public static Path copy(String name, Path dir) {
        Path target = dir.resolve(name);
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = TestFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test file " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The UltraFace detector with its YAML and labels, and its photos, copied into {@code dir/ultraface/}. */
    public static Path ultraface(Path dir) {
        for (String f : java.util.List.of("version-RFB-320.yaml", "labels.txt")) {
            copy("ultraface/" + f, dir);
        }
        ULTRAFACE_PHOTOS.forEach(p -> copy("ultraface/" + p, dir));
        return copy(ULTRAFACE, dir);
    }

    /**
     * Writes a photo of random pixels as a PNG: the same seed and size, the same pixels.
     *
     * @param file where to write it
     * @param seed the pixels' seed
     * @param height its height
     * @param width its width
     * @return the file
     */
    public static Path randomPhoto(Path file, long seed, int height, int width) {
        java.util.Random r = new java.util.Random(seed);
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        // row by row, red, green then blue, as cam4j's H x W x 3 tensors are laid out
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int red = r.nextInt(256);
                int green = r.nextInt(256);
                int blue = r.nextInt(256);
                image.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        try {
            javax.imageio.ImageIO.write(image, "png", file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }
}
