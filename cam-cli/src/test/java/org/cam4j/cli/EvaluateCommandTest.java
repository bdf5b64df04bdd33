package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cam evaluate}: the JSON shape and names, given maps, the written files, and bad input. */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    /** The value at {@code pointer} of a run's {@code --json} answer. */
    private static double value(CliRun run, String pointer) throws Exception {
        return new ObjectMapper().readTree(run.out()).at(pointer).asDouble();
    }

    /** A batch of {@code images} 3 x 16 x 16 inputs, sin(i * step) over the flat index, as {@code x.npy}. */
    private Path waves(int images, double step) {
        Path x = dir.resolve("x.npy");
        Tensor batch = Tensor.zeros(images, 3, 16, 16);
        for (int i = 0; i < batch.size(); i++) {
            batch.put(i, (float) Math.sin(i * step));
        }
        Npy.write(x, batch);
        return x;
    }

    @Test
    void everyMetricForEveryMethodAndImage() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path x = waves(3, 0.37);
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input", x.toString(),
                "--method", "GradCAM", "RandomCAM", "--road-percentiles", "20,80", "--road-noise", "0", "--json",
                "--out", dir.resolve("eval").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode metrics = new ObjectMapper().readTree(r.out()).get("metrics");
        assertThat(metrics.fieldNames()).toIterable().contains("CamMultImageConfidenceChange", "DropInConfidence",
                "IncreaseInConfidence", "ROADMostRelevantFirst_p20", "ROADMostRelevantFirst_p80",
                "ROADLeastRelevantFirst_p20", "ROADCombined", "Complexity", "Coherency", "ARCC");
        assertThat(metrics.get("ROADCombined").get("RandomCAM")).hasSize(3);
        assertThat(metrics.get("IncreaseInConfidence").get("GradCAM").get(0).asDouble()).isIn(0.0, 1.0);
        assertThat(dir.resolve("eval/evaluation.csv")).content().startsWith("metric,method,image,value\n")
                .contains("Complexity,GradCAM,2,");
        assertThat(dir.resolve("eval/evaluation.md")).content().contains("| ROADCombined |");
        assertThat(dir.resolve("eval/evaluation.json")).isRegularFile();

        // given maps: all ones keep the image, so the confidence change is exactly 0 and complexity 1
        Path ones = dir.resolve("ones.npy");
        Tensor m = Tensor.zeros(3, 16, 16);
        for (int i = 0; i < m.size(); i++) {
            m.put(i, 1f);
        }
        Npy.write(ones, m);
        CliRun given = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--cams", ones.toString(), "--metric", "CamMultImageConfidenceChange", "Complexity",
                "--json");
        assertThat(given.exit()).as(given.err()).isZero();
        JsonNode g = new ObjectMapper().readTree(given.out()).get("metrics");
        assertThat(g.get("CamMultImageConfidenceChange").get("GradCAM").get(1).asDouble()).isZero();
        assertThat(g.get("Complexity").get("GradCAM").get(0).asDouble()).isEqualTo(1.0);
    }

    @Test
    void methodOptionsReachTheEvaluatedMethodAsInCamExplain() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path x = waves(2, 0.11);
        double[] complexity = new double[2];
        for (int k = 1; k <= 2; k++) {
            Path maps = dir.resolve("fem" + k + ".npy");
            CliRun explain = CliRun.of("explain", "--model", model.toString(), "--layer", "block_out", "--input",
                    x.toString(), "--method", "FEM", "--option", "k=" + k, "--save-npy", maps.toString());
            assertThat(explain.exit()).as(explain.err()).isZero();
            CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                    x.toString(), "--method", "FEM", "--option", "k=" + k, "--metric", "Complexity", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            complexity[k - 1] = value(r, "/metrics/Complexity/FEM/0");
            CliRun given = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                    x.toString(), "--cams", maps.toString(), "--method", "FEM", "--metric", "Complexity", "--json");
            assertThat(given.exit()).as(given.err()).isZero();
            // the maps evaluate computed with the option are the ones cam explain wrote with it
            assertThat(complexity[k - 1]).isEqualTo(value(given, "/metrics/Complexity/FEM/0"));
        }
        assertThat(complexity[0]).isNotEqualTo(complexity[1]);
        // the smoothing flags too: the same maps as cam explain's with them
        Path smoothed = dir.resolve("smoothed.npy");
        CliRun explain = CliRun.of("explain", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--eigen-smooth", "--save-npy", smoothed.toString());
        assertThat(explain.exit()).as(explain.err()).isZero();
        CliRun computed = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--eigen-smooth", "--metric", "Complexity", "--json");
        CliRun given = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--cams", smoothed.toString(), "--metric", "Complexity", "--json");
        assertThat(computed.exit()).as(computed.err()).isZero();
        assertThat(value(computed, "/metrics/Complexity/GradCAM/1"))
                .isEqualTo(value(given, "/metrics/Complexity/GradCAM/1"));
        CliRun plain = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--metric", "Complexity", "--json");
        assertThat(value(plain, "/metrics/Complexity/GradCAM/1"))
                .isNotEqualTo(value(computed, "/metrics/Complexity/GradCAM/1"));
        CliRun unknown = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--input",
                x.toString(), "--method", "GradCAM", "--option", "k=2", "--metric", "Complexity");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("cam: error: unknown --option 'k' for GradCAM; these methods take"
                + " no options");
    }

    @Test
    void groundTruthBoxesAndMasksPointingGamesAndPlots() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 1, 32, 32);
        CliTestFiles.photo(photos.resolve("b.png"), 2, 32, 32);
        Path boxes = Files.writeString(dir.resolve("boxes.csv"), "image,x0,y0,x1,y1\na.png,0,0,16,32\nb.png,16,0,32,32\n");
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                photos.toString(), "--method", "GradCAM", "SobelCAM", "--boxes", boxes.toString(), "--metric",
                "PointingGame", "EnergyPointingGame", "Deletion", "Insertion", "--metric-option", "steps=4", "--json",
                "--out", dir.resolve("eval").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode metrics = new ObjectMapper().readTree(r.out()).get("metrics");
        for (String m : new String[] {"PointingGame", "EnergyPointingGame", "Deletion", "Insertion"}) {
            assertThat(metrics.get(m).get("GradCAM")).as(m).hasSize(2);
        }
        assertThat(metrics.get("PointingGame").get("SobelCAM").get(0).asDouble()).isIn(0.0, 1.0);
        double energy = metrics.get("EnergyPointingGame").get("GradCAM").get(1).asDouble();
        assertThat(energy).isBetween(0.0, 1.0);
        for (String png : new String[] {"deletion.png", "insertion.png", "scores-PointingGame.png", "scores-Deletion.png"}) {
            var img = javax.imageio.ImageIO.read(dir.resolve("eval").resolve(png).toFile());
            java.util.Set<Integer> colours = new java.util.HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 3) {
                for (int x = 0; x < img.getWidth(); x += 3) {
                    colours.add(img.getRGB(x, y));
                }
            }
            assertThat(colours.size()).as(png + " is a picture, not blank").isGreaterThan(5);
        }
        // masks named as their images give the same games as the equivalent boxes
        Path masks = Files.createDirectories(dir.resolve("masks"));
        for (String[] m : new String[][] {{"a", "0"}, {"b", "16"}}) {
            Tensor px = Tensor.zeros(32, 32, 3);
            for (int y = 0; y < 32; y++) {
                for (int x = Integer.parseInt(m[1]); x < Integer.parseInt(m[1]) + 16; x++) {
                    for (int c = 0; c < 3; c++) {
                        px.put((y * 32 + x) * 3 + c, 255);
                    }
                }
            }
            org.cam4j.image.ImageFiles.writePng(masks.resolve(m[0] + ".png"), px);
        }
        CliRun withMasks = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                photos.toString(), "--method", "GradCAM", "--masks", masks.toString(), "--metric",
                "EnergyPointingGame", "--json");
        assertThat(withMasks.exit()).as(withMasks.err()).isZero();
        assertThat(new ObjectMapper().readTree(withMasks.out()).get("metrics").get("EnergyPointingGame").get("GradCAM")
                .get(1).asDouble()).isEqualTo(energy);
        CliRun missing = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                photos.toString(), "--metric", "PointingGame");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("needs ground truth");
    }

    @Test
    void groundTruthThatCannotBeRightIsRefused() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 1, 32, 32);
        Path masks = Files.createDirectories(dir.resolve("masks"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Tensor white = Tensor.zeros(16, 16, 3);
        for (int i = 0; i < white.size(); i++) {
            white.put(i, 255);
        }
        org.cam4j.image.ImageFiles.writePng(masks.resolve("a.png"), white);
        org.cam4j.image.ImageFiles.writePng(empty.resolve("a.png"), Tensor.zeros(32, 32, 3));
        String[][] cases = {
            {"--masks", masks.toString(), "is 16 x 16 but image"},
            {"--masks", empty.toString(), "has no object pixel"},
            {"--boxes", Files.writeString(dir.resolve("inverted.csv"), "a.png,20,0,10,32\n").toString(),
                "is empty or inverted"},
            {"--boxes", Files.writeString(dir.resolve("flat.csv"), "a.png,0,5,32,5\n").toString(),
                "is empty or inverted"},
            {"--boxes", Files.writeString(dir.resolve("outside.csv"), "a.png,40,40,50,50\n").toString(),
                "has no object pixel"},
            {"--boxes", Files.writeString(dir.resolve("nan.csv"), "a.png,NaN,0,10,10\n").toString(),
                "is not a pixel"},
            {"--boxes", dir.resolve("none.csv").toString(), "--boxes " + dir.resolve("none.csv") + " does not exist"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                    photos.toString(), "--metric", "PointingGame", c[0], c[1], "--out", dir.resolve("eval").toString());
            assertThat(r.exit()).as(c[2]).isEqualTo(2);
            assertThat(r.err()).as(c[2]).contains(c[2]);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(Files.exists(dir.resolve("eval").resolve("evaluation.json"))).isFalse();
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 1, 20, 20);
        for (String[] args : new String[][] {
            {"--road-percentiles", "0"}, {"--metric", "Nope"}, {"--road-noise", "-1"}}) {
            String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("evaluate", "--model",
                    model.toString(), "--layer", "block_out", "--image", photo.toString()),
                    java.util.Arrays.stream(args)).toArray(String[]::new);
            CliRun r = CliRun.of(all);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines()).hasSize(1);
        }
        Path wrong = dir.resolve("wrong.npy");
        Npy.write(wrong, Tensor.zeros(2, 16, 16));
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                photo.toString(), "--cams", wrong.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("give one H x W map per image");
        assertThat(Files.exists(dir.resolve("eval"))).isFalse();
    }

    @Test
    void mapsWithNanOrValuesOutsideZeroToOneAreRefused() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 1, 20, 20);
        for (float bad : new float[] {Float.NaN, 1.5f, -0.1f}) {
            org.cam4j.tensor.Tensor maps = org.cam4j.tensor.Tensor.zeros(1, 20, 20);
            maps.put(7, bad);
            Path npy = dir.resolve("maps.npy");
            org.cam4j.tensor.Npy.write(npy, maps);
            CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--layer", "block_out", "--image",
                    photo.toString(), "--metric", "ROADMostRelevantFirst", "--cams", npy.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("holds " + bad + " at index 7; maps must hold values in [0, 1]");
        }
    }

    /**
     * More photos (or rows of a preprocessed batch) than one batch holds are scored 256 at a time: the first 256 as a
     * run of those alone, the others as a run of theirs with the seed + 1 (ROAD's noise), every image once in the
     * report, in order.
     */
    @Test
    void photosBeyondOneBatchAreScoredBatchByBatch() throws Exception {
        Path all = Files.createDirectories(dir.resolve("all"));
        Path first = Files.createDirectories(dir.resolve("first"));
        Path rest = Files.createDirectories(dir.resolve("rest"));
        for (int k = 0; k < 300; k++) {
            Tensor photo = Tensor.zeros(24, 20, 3);
            for (int i = 0; i < photo.size(); i++) {
                photo.put(i, (float) (127.5 + 127.5 * Math.sin(i * (0.05 + 0.003 * k))));
            }
            String name = String.format("p%03d.png", k);
            org.cam4j.image.ImageFiles.writePng(all.resolve(name), photo);
            Files.copy(all.resolve(name), (k < 256 ? first : rest).resolve(name));
        }
        String[] metric = {"--metric", "ROADMostRelevantFirst", "--road-percentiles", "50", "--json"};
        double[] whole = scores("--image", all, "7", metric);
        double[] head = scores("--image", first, "7", metric);
        double[] tail = scores("--image", rest, "8", metric);
        assertThat(whole).hasSize(300);
        assertThat(java.util.Arrays.copyOfRange(whole, 0, 256)).containsExactly(head);
        assertThat(java.util.Arrays.copyOfRange(whole, 256, 300)).containsExactly(tail);

        // a preprocessed batch of as many rows is scored the same way
        Tensor batch = Tensor.zeros(300, 3, 32, 32);
        for (int i = 0; i < batch.size(); i++) {
            batch.put(i, (float) Math.sin(i * 0.011));
        }
        Path x = dir.resolve("x300.npy");
        Npy.write(x, batch);
        Npy.write(dir.resolve("x256.npy"), batch.rows(0, 256).copy());
        Npy.write(dir.resolve("x44.npy"), batch.rows(256, 300).copy());
        double[] rows = scores("--input", x, "7", metric);
        assertThat(rows).hasSize(300);
        assertThat(java.util.Arrays.copyOfRange(rows, 0, 256)).containsExactly(scores("--input",
                dir.resolve("x256.npy"), "7", metric));
        assertThat(java.util.Arrays.copyOfRange(rows, 256, 300)).containsExactly(scores("--input",
                dir.resolve("x44.npy"), "8", metric));
    }


    @Test
    void masksNeedPhotosNotTheBundledOne() {
        CliRun r = CliRun.of("evaluate", "--masks", dir.toString(), "--metric", "PointingGame");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--masks and --boxes need --image (the masks follow the images' resizing)");
    }

    /** GradCAM's scores by {@code metric} of the images ({@code --image}) or batch ({@code --input}) {@code what}. */
    private static double[] scores(String flag, Path what, String seed, String... metric) throws Exception {
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("evaluate", flag, what.toString(),
                "--method", "GradCAM", "--seed", seed), java.util.Arrays.stream(metric)).toArray(String[]::new);
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return values(r);
    }

    private static double[] values(CliRun run) throws Exception {
        JsonNode v = new ObjectMapper().readTree(run.out()).get("metrics").get("ROADMostRelevantFirst_p50")
                .get("GradCAM");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }
}
