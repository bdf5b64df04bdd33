package org.cam4j.engine.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden run: a fixed batch YAML over the bundled model and the example photos writes the same files, with the
 * same maps, as cam4j did before its application core was built (commit 11c497c; see golden/NOTICE.md). Maps are
 * compared within 1e-5 rather than bit for bit, so that another CPU's float rounding does not fail the build.
 */
class GoldenRunTest {
    private static final Path PHOTOS = Path.of("..", "examples", "photos").toAbsolutePath().normalize();
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aFixedRunWritesTheFilesAndMapsOfTheGoldenRun() throws Exception {
        Path yaml = Files.writeString(dir.resolve("run.yaml"), String.join("\n", "output: batch",
                "formats: [png, npy, json, html]", "models:", "  - name: cifar10-resnet8",
                "methods: [GradCAM, GradCAMPlusPlus, EigenCAM, {name: ScoreCAM, batch_size: 64}, LayerCAM]",
                "images: [" + PHOTOS + "/]", "targets: {top_k: 2}", ""));
        LocalBatch run = LocalBatch.prepare(yaml, null);
        LocalBatch.Outcome outcome = run.run((record, failed) -> { });
        assertThat(outcome.failures()).isEmpty();
        Path out = dir.resolve("batch");
        List<String> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).map(f -> out.relativize(f).toString())
                    .filter(f -> !f.equals("report.html")).sorted().toList();
        }
        assertThat(written).containsExactlyElementsOf(Files.readAllLines(GOLDEN.resolve("files.txt")));
        int maps = 0;
        for (String f : written) {
            if (f.endsWith(".npy")) {
                Tensor golden = Npy.read(GOLDEN.resolve(f));
                Tensor now = Npy.read(out.resolve(f));
                assertThat(now.shape()).as(f).containsExactly(golden.shape());
                assertThat(now.maxAbsDiff(golden)).as(f).isLessThanOrEqualTo(1e-5);
                maps++;
            }
        }
        assertThat(maps).isEqualTo(40);
    }
}
