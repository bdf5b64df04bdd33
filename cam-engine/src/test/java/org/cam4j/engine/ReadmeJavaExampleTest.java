package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.pipeline.Cam;
import org.cam4j.image.Overlay;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java program, taken from the README as it is, compiled and run on the bundled model and photo. */
class ReadmeJavaExampleTest {
    /**
     * The example projects under {@code examples/}, which the build compiles and runs as a user would (cam-examples),
     * hold the README's code as it is: the consumer's program, and the plugin's method (in a package of its own).
     */
    @Test
    void theExampleProjectsHoldTheReadmesCode() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher program = Pattern.compile("```java\n(import [^`]*?public class ExplainPhoto [^`]*?)```").matcher(readme);
        Matcher plugin = Pattern.compile("```java\n(import com.google.auto.service.AutoService;[^`]*?)```")
                .matcher(readme);
        assertThat(program.find()).isTrue();
        assertThat(plugin.find()).isTrue();
        assertThat(Files.readString(Path.of("..", "examples", "consumer", "src", "main", "java", "ExplainPhoto.java")))
                .isEqualTo(program.group(1));
        assertThat(Files.readString(Path.of("..", "examples", "plugin", "src", "main", "java", "example",
                "MyCam.java"))).isEqualTo("package example;\n\n" + plugin.group(1));
    }

    /** The README's program {@code name}, taken from it as it is, compiled into {@code dir} and run: its output. */
    private String runReadmeProgram(String name, Path dir, String... args) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\n(import [^`]*?public class " + name + " [^`]*?)```").matcher(readme);
        assertThat(m.find()).as("the README's " + name + " program").isTrue();
        Path source = dir.resolve(name + ".java");
        Files.writeString(source, m.group(1));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", dir.toString(), "-cp",
                System.getProperty("java.class.path"), source.toString());
        assertThat(compiled).as("javac exit code").isZero();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass(name).getMethod("main", String[].class).invoke(null, (Object) args);
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readmeProgramCompilesRunsAndDrawsTheMapOnThePhoto(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("overlay.png");
        String printed = runReadmeProgram("ExplainPhoto", dir, DefaultModel.model().toString(),
                DefaultModel.image().toString(), overlay.toString());
        // the bundled ResNet-8's top class of the dog-and-cat photo is dog (index 5), at its YAML's layer
        assertThat(printed).contains("Prediction[index=5, label=dog")
                .contains("at layers [activation_6]");

        // the same map drawn through the library's lower level, with the model YAML's preprocessing written out
        RgbImage photo = ImageFiles.read(DefaultModel.image());
        Preprocessing pre = new Preprocessing(32, 32, 0, 0, 255f, new float[3], new float[] {1, 1, 1}, Layout.NCHW);
        Tensor expected;
        try (Cam cam = Cam.open(DefaultModel.model(), "GradCAM", "activation_6")) {
            Tensor map = cam.compute(pre.batch(List.of(photo)), List.of(new ClassifierOutputTarget(5))).cams().slice(0);
            expected = Overlay.onPhoto(photo, map, pre, 0.5f);
        }
        BufferedImage written = ImageIO.read(overlay.toFile());
        assertThat(written.getWidth()).isEqualTo(photo.width());
        assertThat(written.getHeight()).isEqualTo(photo.height());
        Tensor got = ImageFiles.fromImage(written).pixels();
        float worst = 0;
        for (int i = 0; i < got.size(); i++) {
            worst = Math.max(worst, Math.abs(got.at(i) * 255f - (int) expected.at(i)));
        }
        assertThat(worst).as("largest pixel difference, in 0..255 levels").isLessThanOrEqualTo(0.5f);
    }

    @Test
    void readmeDetectorProgramCompilesRunsAndDrawsTheBestBoxsMap(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("box0.png");
        String printed = runReadmeProgram("DetectFaces", dir, DefaultModel.detector().toString(),
                DefaultModel.detectorImage().toString(), overlay.toString());
        // cam detect finds 49 faces above 0.5 on the bundled group photo, the best at [251, 55, 273, 84]
        List<String> lines = printed.lines().toList();
        assertThat(lines).hasSize(49).allMatch(l -> l.startsWith("face "));
        assertThat(lines.get(0)).startsWith("face 1.00 [251.");
        RgbImage photo = ImageFiles.read(DefaultModel.detectorImage());
        BufferedImage written = ImageIO.read(overlay.toFile());
        assertThat(written.getWidth()).isEqualTo(photo.width());
        assertThat(written.getHeight()).isEqualTo(photo.height());
    }
}
