package org.cam4j.engine.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.engine.DefaultModel;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden detection run: a fixed {@code task: detection} YAML over the bundled UltraFace and its group photo
 * (HiResCAM per box, EigenCAM, detections above 0.99) writes the files, detections and maps the same run of cam4j
 * wrote at b1836c7, before the detection loop and requests of the engine existed (see golden-detection/NOTICE.md).
 * A map is compared through its 8 x 8 block means within 1e-5 (a map at the photo's size is 1.4 MB; another CPU's
 * float rounding must not fail the build), its shape exactly.
 */
class GoldenDetectionRunTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden-detection", "golden.json")
            .toAbsolutePath();

    @TempDir
    Path dir;

    /** Means over an 8 x 8 grid of blocks, rows [i H / 8, (i + 1) H / 8), as the golden file's were made. */
    private static double[][] blockMeans(Tensor map) {
        int h = map.dim(0);
        int w = map.dim(1);
        double[][] means = new double[8][8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                double sum = 0;
                int n = 0;
                for (int y = i * h / 8; y < (i + 1) * h / 8; y++) {
                    for (int x = j * w / 8; x < (j + 1) * w / 8; x++) {
                        sum += map.get(y, x);
                        n++;
                    }
                }
                means[i][j] = sum / n;
            }
        }
        return means;
    }

    @Test
    void aFixedDetectionRunWritesTheFilesBoxesAndMapsOfTheGoldenRun() throws Exception {
        Path yaml = Files.writeString(dir.resolve("run.yaml"), String.join("\n", "output: out", "task: detection",
                "formats: [npy, json]", "detection: {score_threshold: 0.99, per_box: true}",
                "models: [{name: faces, path: \"" + DefaultModel.detector() + "\"}]", "methods: [HiResCAM, EigenCAM]",
                "images: [\"" + DefaultModel.detectorImage() + "\"]", ""));
        LocalBatch.Outcome outcome = LocalBatch.prepare(yaml, null).run((record, failed) -> { });
        assertThat(outcome.failures()).isEmpty();
        JsonNode golden = new ObjectMapper().readTree(GOLDEN.toFile());
        Path out = dir.resolve("out");
        List<String> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).map(f -> out.relativize(f).toString())
                    .filter(f -> !f.equals("report.html")).sorted().toList();
        }
        List<String> expected = new ArrayList<>();
        golden.get("files").forEach(f -> expected.add(f.asText()));
        assertThat(written).containsExactlyElementsOf(expected);

        JsonNode detections = new ObjectMapper().readTree(out.resolve("faces/.done/1.json").toFile()).get("detections");
        assertThat(detections.size()).isEqualTo(golden.get("detections").size()).isEqualTo(11);
        for (int k = 0; k < detections.size(); k++) {
            JsonNode mine = detections.get(k);
            JsonNode theirs = golden.get("detections").get(k);
            assertThat(mine.get("label").asText()).isEqualTo(theirs.get("label").asText());
            assertThat(mine.get("score").asDouble()).isCloseTo(theirs.get("score").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
            for (int c = 0; c < 4; c++) {
                assertThat(mine.get("box").get(c).asDouble()).as("box %d", k).isCloseTo(
                        theirs.get("box").get(c).asDouble(), org.assertj.core.data.Offset.offset(0.011));
            }
        }
        int maps = 0;
        for (String f : written) {
            if (!f.endsWith(".npy")) {
                continue;
            }
            Tensor map = Npy.read(out.resolve(f));
            assertThat(map.shape()).as(f).containsExactly(golden.get("shape").get(0).asInt(),
                    golden.get("shape").get(1).asInt());
            double[][] means = blockMeans(map);
            JsonNode thumbnail = golden.get("thumbnails").get(f);
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    assertThat(means[i][j]).as("%s block (%d, %d)", f, i, j).isCloseTo(
                            thumbnail.get(i).get(j).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            maps++;
        }
        assertThat(maps).isEqualTo(12);
    }
}
