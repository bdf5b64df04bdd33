package org.cam4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The bundled default: a pretrained CIFAR-10 ResNet-8 (Apache-2.0, MLPerf Tiny) with its preprocessing and labels,
 * and the dog-and-cat photo {@code both.png} (MIT, pytorch-grad-cam), unpacked once into a temporary folder.
 */
final class DefaultModel {
    private static final String ROOT = "/org/cam4j/cli/default/";
    private static final String[] FILES = {"pretrainedResnet_cifar10.onnx", "pretrainedResnet_cifar10.yaml",
        "labels.txt", "both.png", "NOTICE.md"};
    private static Path dir;

    private DefaultModel() {
    }

    static synchronized Path folder() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("cam4j-default");
                // deleteOnExit runs in reverse order: the files first, then the folder
                d.toFile().deleteOnExit();
                for (String f : FILES) {
                    try (InputStream in = DefaultModel.class.getResourceAsStream(ROOT + f)) {
                        Files.copy(in, d.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                    d.resolve(f).toFile().deleteOnExit();
                }
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the bundled default model: " + e.getMessage(), e);
            }
        }
        return dir;
    }

    static Path model() {
        return folder().resolve("pretrainedResnet_cifar10.onnx");
    }

    static Path image() {
        return folder().resolve("both.png");
    }
}
