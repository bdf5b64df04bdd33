package org.cam4j.cli;

import org.cam4j.engine.store.OutputNames;
import org.cam4j.engine.store.OutputFolder;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output naming as a property: random image trees with colliding names give one output per input, stably. */
class OutputNamesTest {
    private static final String[] STEMS = {"x", "X", "a b", "a_b", "été", "猫", "x.tar", ".hidden", "a/b"};
    private static final String[] EXTENSIONS = {"png", "PNG", "jpg", "bmp", "jfif"};
    private static final String[] FOLDERS = {"", "sub/", "sub/deeper/", "Sub/", "other dir/", "ü/"};

    @TempDir
    Path dir;

    private List<Path> randomTree(Random r, Path root, int n) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String stem = STEMS[r.nextInt(STEMS.length)].replace("/", "_");
            Path f = root.resolve(FOLDERS[r.nextInt(FOLDERS.length)] + stem + "." + EXTENSIONS[r.nextInt(EXTENSIONS.length)]);
            if (!files.contains(f)) {
                Files.createDirectories(f.getParent());
                CliTestFiles.photo(f, i, 12, 12);
                files.add(f);
            }
        }
        return files;
    }

    @Test
    void randomTreesGetDistinctSafeStableNames() throws Exception {
        for (int trial = 0; trial < 200; trial++) {
            Random r = new Random(trial);
            Path root = Files.createDirectories(dir.resolve("t" + trial));
            List<Path> files = randomTree(r, root, 1 + r.nextInt(12));
            Map<Path, String> names = OutputNames.assign(files);
            Set<String> seen = new HashSet<>();
            for (Path f : files) {
                String name = names.get(f);
                assertThat(seen.add(name.toLowerCase(Locale.ROOT))).as("%s in %s", name, names).isTrue();
                for (String part : name.split("/")) {
                    assertThat(part).isNotEmpty().doesNotStartWith(".").isNotEqualTo("..");
                    assertThat(OutputFolder.safeName(part)).isEqualTo(part);
                }
            }
            List<Path> shuffled = new ArrayList<>(files);
            java.util.Collections.reverse(shuffled);
            assertThat(OutputNames.assign(shuffled).values()).containsExactlyInAnyOrderElementsOf(names.values());
        }
    }

    @Test
    void aBatchOfARandomTreeWritesOneOutputAndRecordPerImageAndResumesExactly() throws Exception {
        Random r = new Random(7);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        List<Path> files = randomTree(r, photos, 14);
        CliTestFiles.cnn(dir);
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nformats: [png, json]\nmodels: [{name: m,"
                + " path: cnn.onnx, layers: [block_out]}]\nmethods: [GradCAM]\nimages: ['photos/**']\n");
        CliRun first = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("explained " + files.size() + " image(s)");
        assertThat(pngs(dir.resolve("out/m"))).hasSize(files.size());
        List<Path> records = list(dir.resolve("out/m/.done"));
        assertThat(records).hasSize(files.size());
        // remove three records: exactly those three images run again
        for (Path rec : records.subList(0, 3)) {
            Files.delete(rec);
        }
        Map<Path, Long> written = new java.util.HashMap<>();
        for (Path png : pngs(dir.resolve("out/m"))) {
            written.put(png, Files.getLastModifiedTime(png).toMillis());
        }
        Thread.sleep(50);
        CliRun second = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(written.entrySet().stream().filter(e -> {
            try {
                return Files.getLastModifiedTime(e.getKey()).toMillis() != e.getValue();
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        })).as("overlays rewritten by the rerun").hasSize(3);
        assertThat(list(dir.resolve("out/m/.done"))).hasSize(files.size());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertThat(summary.findValuesAsText("image")).doesNotHaveDuplicates().hasSize(files.size());
    }

    private static List<Path> pngs(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".png") && !p.toString().contains("/.done/")).toList();
        }
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
