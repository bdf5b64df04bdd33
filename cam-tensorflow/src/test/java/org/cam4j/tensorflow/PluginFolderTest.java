package org.cam4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as the README installs it: {@code cam.jar} run as a process of its own, {@code CAM4J_PLUGINS} naming
 * this module's {@code target/plugin} folder (so it runs after {@code package}, in {@code mvn verify}). A folder that
 * counted on {@code cam.jar} for a dependency it no longer holds (protobuf, relocated inside it) failed here.
 */
@Tag("plugin-folder")
class PluginFolderTest {
    private static final Path CAM_JAR = Path.of("..", "cam-cli", "target", "cam.jar").toAbsolutePath().normalize();
    private static final Path PLUGIN = Path.of("target", "plugin").toAbsolutePath();

    @TempDir
    Path dir;

    @BeforeAll
    static void natives() {
        TfNatives.assumeLoadable();
    }

    private record Run(int exit, String out) {
    }

    private Run cam(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", CAM_JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CAM4J_PLUGINS", PLUGIN.toString());
        builder.environment().put("CAM4J_CACHE", dir.resolve("cache").toString());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void camJarWithThePluginFolderExplainsASavedModelAsTheClassPathDoes() throws Exception {
        assertThat(CAM_JAR).as("cam-cli's cam.jar, built before this module").isRegularFile();
        try (var files = Files.list(PLUGIN)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the plugin folder, made by package")
                    .anyMatch(n -> n.startsWith("cam-tensorflow-") && n.endsWith("-plugin.jar"))
                    .anyMatch(n -> n.startsWith("protobuf-java-"));
        }
        Run version = cam("--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).contains("backend tensorflow: TensorFlow").doesNotContain("cannot load");

        Path saved = TwinSavedModel.write(SyntheticModels.cnn(8), dir.resolve("cnn_saved"));
        Path photo = org.cam4j.testdata.TestFiles.randomPhoto(dir.resolve("photo.png"), 1, 24, 20);
        Run explain = cam("explain", "--model", saved.toString(), "--image", photo.toString(), "--layer", "block_out",
                "--method", "GradCAM", "--out", dir.resolve("plugin").toString(), "--save-npy");
        assertThat(explain.exit()).as(explain.out()).isZero();

        // the same command in this JVM, the backend on the class path
        java.io.StringWriter err = new java.io.StringWriter();
        int code = org.cam4j.cli.CamCli.execute(new String[] {"explain", "--model", saved.toString(), "--image",
            photo.toString(), "--layer", "block_out", "--method", "GradCAM", "--out",
            dir.resolve("classpath").toString(), "--save-npy"}, new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        Tensor viaPlugin = Npy.read(dir.resolve("plugin/photo.GradCAM.npy"));
        Tensor viaClassPath = Npy.read(dir.resolve("classpath/photo.GradCAM.npy"));
        assertThat(viaPlugin.maxAbsDiff(viaClassPath)).isLessThan(1e-6);
        assertThat(Files.size(dir.resolve("plugin/photo.GradCAM.png"))).isPositive();
    }
}
