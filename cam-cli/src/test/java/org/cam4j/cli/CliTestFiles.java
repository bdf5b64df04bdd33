package org.cam4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.testdata.SyntheticModels;

/** Files the CLI tests use: the generated models and small random photos. */
public final class CliTestFiles {
    private CliTestFiles() {
    }

    public static Path cnn(Path dir) throws Exception {
        Path f = dir.resolve("cnn.onnx");
        Files.write(f, SyntheticModels.cnn(3).toByteArray());
        return f;
    }

    public static Path tokens(Path dir) throws Exception {
        Path f = dir.resolve("tokens.onnx");
        Files.write(f, SyntheticModels.tokens(3).toByteArray());
        return f;
    }

    public static Path photo(Path file, long seed, int h, int w) {
        return org.cam4j.testdata.TestFiles.randomPhoto(file, seed, h, w);
    }
}
