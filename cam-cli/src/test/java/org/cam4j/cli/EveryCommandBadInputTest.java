package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing files, wrong formats, unknown methods and layers, conflicting options and unwritable outputs, for every
 * command that takes them: exit 2 and one line naming the problem.
 */
class EveryCommandBadInputTest {
    @TempDir
    Path dir;

    private String model;
    private String junkModel;
    private String batch;
    private String blocked;

    @BeforeEach
    void files() throws Exception {
        model = CliTestFiles.cnn(dir).toString();
        junkModel = Files.writeString(dir.resolve("junk.onnx"), "not onnx").toString();
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.zeros(1, 3, 16, 16));
        batch = x.toString();
        blocked = Files.writeString(dir.resolve("file"), "a file").resolve("sub").toString();
    }

    private void fails(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(expected).doesNotContain("\tat ");
    }

    @Test
    void missingModelFile() {
        String missing = dir.resolve("missing.onnx").toString();
        for (String cmd : new String[] {"layers", "dff", "bench"}) {
            fails("missing.onnx", cmd, "--model", missing);
        }
        fails("missing.onnx", "export", "--model", missing, "--layer", "relu2", "--out", dir.resolve("a.onnx").toString());
        fails("missing.onnx", "probe", "--model", missing, "--input", batch, "--layer", "relu2", "--save-logits", "y.npy");
    }

    @Test
    void wrongModelFormat() {
        fails("junk.onnx", "layers", "--model", junkModel);
        fails("junk.onnx", "export", "--model", junkModel, "--layer", "relu2", "--out", dir.resolve("a.onnx").toString());
        fails("junk.onnx", "probe", "--model", junkModel, "--input", batch, "--layer", "relu2", "--save-logits", "y.npy");
        fails("x.npy", "probe", "--model", model, "--input", junkModel.replace("junk.onnx", "x.npy") + ".gz",
                "--layer", "relu2", "--save-logits", "y.npy");
        fails("not a .npy", "probe", "--model", model, "--input", junkModel, "--layer", "relu2", "--save-logits", "y.npy");
    }

    @Test
    void unknownLayerAndMethod() {
        fails("unknown layer 'conv9'", "export", "--model", model, "--layer", "conv9", "--out",
                dir.resolve("a.onnx").toString());
        fails("unknown layer 'conv9'", "probe", "--model", model, "--input", batch, "--layer", "conv9", "--save-logits",
                dir.resolve("y.npy").toString());
        fails("unknown layer 'conv9'", "dff", "--model", model, "--layer", "conv9", "--out", dir.resolve("o").toString());
        fails("unknown method 'Nope'", "bench", "--model", model, "--input", batch, "--method", "Nope");
        assertThat(dir.resolve("a.onnx")).doesNotExist();
        assertThat(dir.resolve("y.npy")).doesNotExist();
    }

    @Test
    void conflictingAndInvalidOptions() {
        fails("--use-cuda", "layers", "--device", "cpu:2", "--use-cuda");
        fails("--repeat", "bench", "--repeat", "0");
        fails("nothing to save", "probe", "--model", model, "--input", batch, "--layer", "relu2");
        fails("--input needs --save-npy", "explain", "--model", model, "--input", batch);
    }

    @Test
    void unwritableOutputs() throws Exception {
        fails("--out", "dff", "--out", blocked);
        fails("file", "export", "--model", model, "--layer", "relu2", "--out", Path.of(blocked, "a.onnx").toString());
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 1, 20, 20);
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmethods: [GradCAM]\nimages: [photos/]\n");
        fails("--out", "batch", run.toString(), "--out", blocked);
    }
}
