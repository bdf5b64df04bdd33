package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cam4j.engine.DefaultModel;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embeddings explained against a concept photo, as the reference's embeddings tutorial does: the bundled CIFAR-10
 * ResNet-8's pooled features ({@code flatten}, 64 values) are the embedding; the concept of each half of the bundled
 * photo (the dog, the cat) lights that half of the whole photo.
 */
class ConceptImageTest {
    @TempDir
    Path dir;

    private Path half(BufferedImage photo, boolean left, String name) throws Exception {
        int w = photo.getWidth() / 2;
        Path file = dir.resolve(name);
        ImageIO.write(photo.getSubimage(left ? 0 : w, 0, w, photo.getHeight()), "png", file.toFile());
        return file;
    }

    private Tensor map(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return Npy.read(Path.of(args[java.util.Arrays.asList(args).indexOf("--out") + 1]).resolve("both.GradCAM.npy"));
    }

    private static double leftShare(Tensor map) {
        double left = 0;
        double all = 0;
        int w = map.dim(1);
        for (int i = 0; i < map.size(); i++) {
            all += map.at(i);
            if (i % w < w / 2) {
                left += map.at(i);
            }
        }
        return left / all;
    }

    @Test
    void eachHalfsConceptLightsThatHalf() throws Exception {
        Path photo = DefaultModel.image();
        BufferedImage image = ImageIO.read(photo.toFile());
        Path left = half(image, true, "left.png");
        Path right = half(image, false, "right.png");
        Tensor fromLeft = map("explain", "--embedding-output", "flatten", "--concept-image", left.toString(), "--image",
                photo.toString(), "--method", "GradCAM", "--save-npy", "--out", dir.resolve("l").toString());
        Tensor fromRight = map("explain", "--embedding-output", "flatten", "--concept-image", right.toString(),
                "--image", photo.toString(), "--method", "GradCAM", "--save-npy", "--out", dir.resolve("r").toString());
        System.out.printf("concept left half: %.2f of the map on the left; right half: %.2f%n", leftShare(fromLeft),
                leftShare(fromRight));
        assertThat(leftShare(fromLeft)).isGreaterThan(0.6);
        assertThat(leftShare(fromRight)).isLessThan(0.4);
        // the same target as a --target spec
        Tensor bySpec = map("explain", "--embedding-output", "flatten", "--target", "similarity-image:" + left,
                "--image", photo.toString(), "--method", "GradCAM", "--save-npy", "--out", dir.resolve("s").toString());
        assertThat(bySpec.maxAbsDiff(fromLeft)).isZero();
    }

    /**
     * A batch YAML takes the same target, its photo found beside the YAML as the YAML's other relative paths are (a
     * concept or mask file was read from the working folder), and cam evaluate takes it too (it was refused, naming
     * cam evaluate as the place to give it).
     */
    @Test
    void aBatchYamlAndCamEvaluateTakeAConceptPhotoToo() throws Exception {
        Path photo = DefaultModel.image();
        Path left = half(ImageIO.read(photo.toFile()), true, "left.png");
        Tensor explained = map("explain", "--concept-image", left.toString(), "--image", photo.toString(), "--method",
                "GradCAM", "--save-npy", "--out", dir.resolve("e").toString());
        Path yamlFolder = Files.createDirectories(dir.resolve("yaml"));
        Files.copy(left, yamlFolder.resolve("concept.png"));
        Path run = Files.writeString(yamlFolder.resolve("run.yaml"), "output: out\nformats: [npy]\nmodels: [{name: m}]\n"
                + "methods: [GradCAM]\nimages: [" + photo + "]\ntargets: {specs: ['similarity-image:concept.png']}\n");
        CliRun batch = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(batch.exit()).as(batch.err()).isZero();
        try (java.util.stream.Stream<Path> files = Files.walk(yamlFolder.resolve("out"))) {
            Path npy = files.filter(f -> f.getFileName().toString().startsWith("both.GradCAM.")).findFirst().orElseThrow();
            assertThat(Npy.read(npy).maxAbsDiff(explained)).as("the YAML's map").isLessThanOrEqualTo(1e-6);
        }

        // a concept vector's file, named relative to the YAML as well
        Tensor concept = Tensor.zeros(10);
        concept.put(3, 1f);
        Npy.write(yamlFolder.resolve("concept.npy"), concept);
        Path byVector = Files.writeString(yamlFolder.resolve("vector.yaml"), "output: out-vector\nformats: [npy]\n"
                + "models: [{name: m}]\nmethods: [GradCAM]\nimages: [" + photo + "]\n"
                + "targets: {specs: ['similarity:concept.npy']}\n");
        CliRun vector = CliRun.of("batch", byVector.toString(), "--no-progress");
        assertThat(vector.exit()).as(vector.err()).isZero();

        Path x = dir.resolve("x.npy");
        Tensor input = Tensor.zeros(1, 3, 32, 32);
        for (int i = 0; i < input.size(); i++) {
            input.put(i, (float) Math.sin(i * 0.05));
        }
        Npy.write(x, input);
        Path maps = dir.resolve("maps.npy");
        CliRun explain = CliRun.of("explain", "--input", x.toString(), "--concept-image", left.toString(),
                "--save-npy", maps.toString());
        assertThat(explain.exit()).as(explain.err()).isZero();
        CliRun computed = CliRun.of("evaluate", "--input", x.toString(), "--concept-image", left.toString(),
                "--metric", "Complexity", "--json");
        assertThat(computed.exit()).as(computed.err()).isZero();
        CliRun given = CliRun.of("evaluate", "--input", x.toString(), "--concept-image", left.toString(), "--cams",
                maps.toString(), "--metric", "Complexity", "--json");
        assertThat(given.exit()).as(given.err()).isZero();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(computed.out()).at("/metrics/Complexity/GradCAM/0").asDouble())
                .isEqualTo(json.readTree(given.out()).at("/metrics/Complexity/GradCAM/0").asDouble());
    }

    @Test
    void badConceptsAreOneLine() throws Exception {
        Path photo = DefaultModel.image();
        Path notImage = Files.writeString(dir.resolve("x.png"), "not an image");
        String[][] cases = {
            {"--concept-image", notImage.toString(), "cannot read the concept image"},
            {"--concept-image", dir.resolve("none.png").toString(), "does not exist"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("explain", "--embedding-output", "flatten", c[0], c[1], "--image", photo.toString(),
                    "--out", dir.resolve("bad").toString());
            assertThat(r.exit()).as(c[2]).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(c[2]);
        }
        CliRun unknown = CliRun.of("explain", "--embedding-output", "nope", "--concept-image", photo.toString(),
                "--image", photo.toString(), "--out", dir.resolve("bad").toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("has no output or computed tensor 'nope'");
        CliRun both = CliRun.of("explain", "--concept-image", photo.toString(), "--class", "dog", "--image",
                photo.toString(), "--out", dir.resolve("bad").toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--concept-image conflicts with --class and --target");
    }
}
