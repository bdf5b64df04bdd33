package org.cam4j.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The bundled default: a pretrained CIFAR-10 ResNet-8 (Apache-2.0, MLPerf Tiny) with its preprocessing and labels,
 * and the dog-and-cat photo {@code both.png} (MIT, pytorch-grad-cam); for {@code cam detect} the UltraFace RFB-320
 * face detector (MIT) and a group photo; unpacked once into a temporary folder.
 */
public final class DefaultModel {
    private static final String ROOT = "/org/cam4j/engine/default/";
    private static final String[] FILES = {"pretrainedResnet_cifar10.onnx", "pretrainedResnet_cifar10.yaml",
        "labels.txt", "both.png", "NOTICE.md"};
    private static final String DETECTION = "detection/";
    private static final String[] DETECTION_FILES = {"version-RFB-320.onnx", "version-RFB-320.yaml", "labels.txt",
        "1.jpg", "LICENSE", "NOTICE.md"};
    private static Path dir;

    private DefaultModel() {
    }

    /** A temporary folder holding the bundled models and photos, copied from the jar once per process. */
    public static synchronized Path folder() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("cam4j-default");
                // deleteOnExit runs in reverse order: the files first, then the folder
                d.toFile().deleteOnExit();
                for (String f : FILES) {
                    unpack(ROOT + f, d.resolve(f));
                }
                Path detection = Files.createDirectory(d.resolve("detection"));
                detection.toFile().deleteOnExit();
                for (String f : DETECTION_FILES) {
                    unpack(ROOT + DETECTION + f, detection.resolve(f));
                }
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the bundled default model: " + e.getMessage(), e);
            }
        }
        return dir;
    }

    private static void unpack(String resource, Path file) throws IOException {
        try (InputStream in = DefaultModel.class.getResourceAsStream(resource)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
    }

    /** The bundled detection demo: UltraFace RFB-320 (MIT) with its preprocessing and labels. */
    public static Path detector() {
        return folder().resolve("detection/version-RFB-320.onnx");
    }

    /** A group photo for the detection demo (MIT, the UltraFace repository). */
    public static Path detectorImage() {
        return folder().resolve("detection/1.jpg");
    }

    /** The bundled CIFAR-10 ResNet-8, with its YAML and labels beside it. */
    public static Path model() {
        return folder().resolve("pretrainedResnet_cifar10.onnx");
    }

    /** The bundled photo of a dog and a cat. */
    public static Path image() {
        return folder().resolve("both.png");
    }
}
