package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.cam4j.model.CacheFolder;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.cam4j.timing.Timings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of probed shape facts: a second opening of the same model skips the probe and gives the same gradients;
 * a changed model, another cam4j version, a corrupt entry, an unwritable folder and two writers at once all give
 * correct results and crash nothing.
 */
class FactsCacheTest {
    private static final String PROBE = "probe tensor shapes";

    @TempDir
    Path dir;

    @org.junit.jupiter.api.extension.RegisterExtension
    final CacheFolderInTemp cache = new CacheFolderInTemp();

    private static Tensor input() {
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.cos(0.11 * i));
        }
        return x;
    }

    /** Opens the model, runs a forward pass with gradients; returns the gradient and how many probes ran. */
    private static Object[] gradients(Path model) {
        long probes = Timings.count(PROBE);
        try (ExplainableModel m = new OnnxModel(model, ModelOptions.defaults())) {
            Tensor g = m.forward(input(), List.of(SyntheticModels.CNN_LAYER), Targets.topClass(2), true)
                    .gradient(SyntheticModels.CNN_LAYER);
            return new Object[] {g, Timings.count(PROBE) - probes};
        }
    }

    private List<Path> entries() throws Exception {
        Path folder = cache.folder().resolve("shape-facts");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".facts")).toList();
        }
    }

    @Test
    void aSecondOpeningSkipsTheProbeAndGivesTheSameGradients() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Object[] first = gradients(model);
        assertThat((long) first[1]).isPositive();
        assertThat(entries()).hasSize(1);
        Object[] second = gradients(model);
        assertThat((long) second[1]).as("probes on the second opening").isZero();
        assertThat(((Tensor) second[0]).maxAbsDiff((Tensor) first[0])).isZero();

        // a changed model (other weights, same graph) never reads the entry of the first
        Files.write(model, SyntheticModels.cnn(4).toByteArray());
        Object[] changed = gradients(model);
        assertThat((long) changed[1]).isPositive();
        assertThat(entries()).hasSize(2);

        // a corrupt or truncated entry is ignored and written again
        for (Path entry : entries()) {
            Files.write(entry, new byte[] {0, 0, 0, 1, 7});
        }
        Object[] afterCorruption = gradients(model);
        assertThat((long) afterCorruption[1]).isPositive();
        assertThat(((Tensor) afterCorruption[0]).maxAbsDiff((Tensor) changed[0])).isZero();
        assertThat((long) gradients(model)[1]).as("the entry was written again").isZero();
    }

    @Test
    void anotherVersionsEntryIsNeverRead() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        gradients(model);
        FactsCache mine = new FactsCache(OnnxModelFile.readWithDigest(model).digest() + "|", CacheEntries.build());
        FactsCache other = new FactsCache(OnnxModelFile.readWithDigest(model).digest() + "|", "9.9.9");
        int[] size = {3, 16, 16};
        assertThat(mine.load(size, Set.of(SyntheticModels.CNN_LAYER))).isPresent();
        assertThat(other.load(size, Set.of(SyntheticModels.CNN_LAYER))).isEmpty();
    }

    @Test
    void anUnwritableFolderIsWorkedWithout() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        // a file where the folder should be: nothing can be created below it, whoever runs the test
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a folder");
        System.setProperty(CacheFolder.PROPERTY, blocked.toString());
        Object[] first = gradients(model);
        Object[] second = gradients(model);
        assertThat((long) second[1]).as("no cache: probed again").isPositive();
        assertThat(((Tensor) second[0]).maxAbsDiff((Tensor) first[0])).isZero();
        System.setProperty(CacheFolder.PROPERTY, "off");
        assertThat((long) gradients(model)[1]).isPositive();
    }

    @Test
    void twoOpeningsFillingOneEntryAtOnceLeaveAGoodEntry() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        List<CompletableFuture<Object[]>> runs = List.of(CompletableFuture.supplyAsync(() -> gradients(model)),
                CompletableFuture.supplyAsync(() -> gradients(model)), CompletableFuture.supplyAsync(() ->
                        gradients(model)));
        Tensor reference = (Tensor) runs.get(0).get()[0];
        for (CompletableFuture<Object[]> r : runs) {
            assertThat(((Tensor) r.get()[0]).maxAbsDiff(reference)).isZero();
        }
        assertThat(entries()).hasSize(1);
        try (Stream<Path> s = Files.list(cache.folder().resolve("shape-facts"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".tmp"))).as("no temporary file left").isEmpty();
        }
        assertThat((long) gradients(model)[1]).isZero();
    }
}
