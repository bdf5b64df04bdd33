package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cam bench}: the JSON keys scripts rely on, for one batch and end to end (no timing asserted). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneBatchReplicatedToN() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--layer", "block_out", "--method", "GradCAM",
                "--batch", "4", "--iterations", "2", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode row = new ObjectMapper().readTree(r.out()).get(0);
        assertThat(row.get("method").asText()).isEqualTo("GradCAM");
        assertThat(row.get("batch").asInt()).isEqualTo(4);
        for (String key : new String[] {"median_s", "min_s", "images_per_s", "floor_median_s"}) {
            assertThat(row.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(row.get("min_s").asDouble()).isLessThanOrEqualTo(row.get("median_s").asDouble());
    }

    @Test
    void prefixTimeOnlyForMethodsThatRunOnlyThePrefix() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--layer", "block_out", "--method", "GradCAM",
                "EigenCAM", "--iterations", "1", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.get(0).has("prefix_median_s")).as("GradCAM needs the whole network").isFalse();
        assertThat(rows.get(1).get("method").asText()).isEqualTo("EigenCAM");
        assertThat(rows.get(1).get("prefix_median_s").asDouble()).isPositive();
        CliRun text = CliRun.of("bench", "--model", model.toString(), "--layer", "block_out", "--method", "EigenCAM",
                "--iterations", "1", "--warmup", "0");
        assertThat(text.out()).contains("inference (floor)", "prefix to layers", "EigenCAM");
    }

    @Test
    void endToEndOverAFolderLeavesNothingBehind() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (int i = 0; i < 5; i++) {
            CliTestFiles.photo(photos.resolve("p" + i + ".png"), i, 40, 30);
        }
        Files.writeString(photos.resolve("broken.png"), "not a png");
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--layer", "block_out", "--method", "GradCAM",
                "EigenCAM", "--images", photos.toString(), "--iterations", "1", "--warmup", "0", "--format", "jpg",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("images").asInt()).as("the unreadable file is left out").isEqualTo(5);
        assertThat(rows.get(0).get("end_to_end").asBoolean()).isTrue();
        assertThat(rows.get(1).get("images_per_s").asDouble()).isPositive();
    }

    @Test
    void warmupIsAutoOrACountInRange() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        for (String bad : new String[] {"-1", "lots"}) {
            CliRun r = CliRun.of("bench", "--model", model.toString(), "--layer", "block_out", "--method", "GradCAM",
                    "--warmup", bad);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--warmup must be").doesNotContain("Exception");
        }
    }
}
