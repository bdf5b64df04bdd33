package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.cli.CamCli;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cam commands on a SavedModel, as a user runs them with the plugin on the classpath. */
class SavedModelCliTest {
    @org.junit.jupiter.api.BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    @TempDir
    Path dir;

    private Path saved;
    private Path photo;

    private record Run(int exit, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = CamCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        }
    }

    @BeforeEach
    void files() {
        saved = TwinSavedModel.write(SyntheticModels.cnn(8), dir.resolve("cnn_saved"));
        photo = org.cam4j.testdata.TestFiles.randomPhoto(dir.resolve("photo.png"), 1, 24, 20);
    }

    @Test
    void layersExplainProbeAndBatchOnASavedModel() throws Exception {
        Run layers = Run.of("layers", "--model", saved.toString(), "--json");
        assertThat(layers.exit()).as(layers.err()).isZero();
        assertThat(new ObjectMapper().readTree(layers.out()).findValuesAsText("name")).contains("block_out", "relu1");
        Run explain = Run.of("explain", "--model", saved.toString(), "--image", photo.toString(), "--method", "GradCAM",
                "ScoreCAM", "--out", dir.resolve("out").toString(), "--json", "--guided");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(dir.resolve("out/photo.GradCAM.png")).isRegularFile();
        assertThat(dir.resolve("out/photo.ScoreCAM.png")).isRegularFile();
        assertThat(dir.resolve("out/photo.GradCAM_gb.png")).isRegularFile();
        assertThat(dir.resolve("out/photo.GradCAM_cam_gb.png")).isRegularFile();
        Path x = dir.resolve("x.npy");
        org.cam4j.tensor.Npy.write(x, Tensor.zeros(2, 16, 16, 3));
        Run probe = Run.of("probe", "--model", saved.toString(), "--input", x.toString(), "--layer", "block_out",
                "--save-gradients", dir.resolve("g.npy").toString());
        assertThat(probe.exit()).as(probe.err()).isZero();
        assertThat(org.cam4j.tensor.Npy.read(dir.resolve("g.npy")).shape()).containsExactly(2, 8, 8, 8);
        Files.writeString(dir.resolve("run.yaml"), "output: batch\nmodels: [{name: tf, path: cnn_saved, backend:"
                + " tensorflow, tag: serve, signature: serving_default, layers: [block_out]}]\nmethods: [GradCAM,"
                + " AblationCAM]\nimages: [photo.png]\n");
        Run batch = Run.of("batch", dir.resolve("run.yaml").toString(), "--no-progress");
        assertThat(batch.exit()).as(batch.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("batch/summary.json").toFile());
        assertThat(summary.get(0).get("cams")).hasSize(2);
    }

    @Test
    void badInputIsOneLine() {
        Run tag = Run.of("layers", "--model", saved.toString(), "--tag", "gpu");
        assertThat(tag.exit()).isEqualTo(2);
        assertThat(tag.err().strip().lines()).hasSize(1);
        assertThat(tag.err()).contains("its tags: [serve]");
        Run export = Run.of("export", "--model", saved.toString(), "--layer", "block_out", "--out",
                dir.resolve("a.onnx").toString());
        assertThat(export.exit()).isEqualTo(2);
        assertThat(export.err()).contains("is not an ONNX model");
        Run layer = Run.of("explain", "--model", saved.toString(), "--image", photo.toString(), "--layer", "blok_out",
                "--out", dir.resolve("o").toString());
        assertThat(layer.exit()).isEqualTo(2);
        assertThat(layer.err()).contains("unknown layer 'blok_out'; closest: block_out");
    }
}
