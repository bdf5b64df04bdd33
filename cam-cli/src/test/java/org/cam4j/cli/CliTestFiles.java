package org.cam4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.cam4j.image.ImageFiles;
import org.cam4j.tensor.Tensor;
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
        Random r = new Random(seed);
        Tensor px = Tensor.zeros(h, w, 3);
        for (int i = 0; i < px.size(); i++) {
            px.put(i, r.nextInt(256));
        }
        ImageFiles.writePng(file, px);
        return file;
    }
}
