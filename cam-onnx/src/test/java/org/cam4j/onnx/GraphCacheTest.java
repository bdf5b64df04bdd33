package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.cam4j.model.CacheFolder;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.cam4j.timing.Timings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of optimised graphs: a later opening builds no graph and gives the gradients an uncached run gives, bit
 * for bit; a changed model, another layer, another mode (guided backpropagation), another cam4j build, a corrupt or
 * truncated entry, three openings (and two processes) filling one entry at once and an unwritable folder all give
 * those gradients too, and crash nothing.
 */
class GraphCacheTest {
    private static final String BUILD = "build graph variants (gradients, heads)";

    @TempDir
    Path dir;

    @org.junit.jupiter.api.extension.RegisterExtension
    final CacheFolderInTemp cache = new CacheFolderInTemp();

    static Tensor input() {
        Tensor x = Tensor.zeros(2, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) {
            x.put(i, (float) Math.sin(0.07 * i));
        }
        return x;
    }

    /** What a run gives, and how many graphs it built. */
    private record Run(Tensor gradients, long built) {
    }

    private static Run gradients(Path model, String layer) {
        long built = Timings.count(BUILD);
        try (ExplainableModel m = new OnnxModel(model, ModelOptions.defaults())) {
            Tensor g = m.forward(input(), List.of(layer), Targets.topClass(2), true).gradient(layer);
            return new Run(g, Timings.count(BUILD) - built);
        }
    }

    private static Run guided(Path model) {
        long built = Timings.count(BUILD);
        try (OnnxModel m = new OnnxModel(model, ModelOptions.defaults())) {
            Tensor g = m.inputGradient(input(), Targets.topClass(2), true);
            return new Run(g, Timings.count(BUILD) - built);
        }
    }

    /** The gradients with the cache off: what every cached run must give. */
    private static Tensor uncached(Path model, String layer) {
        String folder = System.getProperty(CacheFolder.PROPERTY);
        System.setProperty(CacheFolder.PROPERTY, "off");
        try {
            return gradients(model, layer).gradients();
        } finally {
            System.setProperty(CacheFolder.PROPERTY, folder);
        }
    }

    private List<Path> entries(String suffix) throws Exception {
        Path folder = cache.folder().resolve("graphs");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void aLaterOpeningBuildsNothingAndGivesTheSameGradients() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor expected = uncached(model, SyntheticModels.CNN_LAYER);
        Run first = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(first.built()).isPositive();
        assertThat(entries(".onnx")).hasSize(1);
        Run second = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(second.built()).as("graphs built on the second opening").isZero();
        assertThat(second.gradients().maxAbsDiff(expected)).isZero();
        assertThat(first.gradients().maxAbsDiff(expected)).isZero();

        // another layer, and guided backpropagation, are other graphs: built, cached, and right
        Tensor otherExpected = uncached(model, "relu1");
        assertThat(gradients(model, "relu1").built()).isPositive();
        Run other = gradients(model, "relu1");
        assertThat(other.built()).isZero();
        assertThat(other.gradients().maxAbsDiff(otherExpected)).isZero();
        Run guided = guided(model);
        assertThat(guided.built()).isPositive();
        Run guidedAgain = guided(model);
        assertThat(guidedAgain.built()).isZero();
        assertThat(guidedAgain.gradients().maxAbsDiff(guided.gradients())).isZero();
        assertThat(entries(".onnx")).hasSize(3);

        // a changed model (other weights, same graph) never reads the entries of the first
        Files.write(model, SyntheticModels.cnn(4).toByteArray());
        Tensor changedExpected = uncached(model, SyntheticModels.CNN_LAYER);
        Run changed = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(changed.built()).isPositive();
        assertThat(changed.gradients().maxAbsDiff(changedExpected)).isZero();
        assertThat(changed.gradients().maxAbsDiff(expected)).isPositive();
    }

    @Test
    void aCorruptOrTruncatedEntryIsMadeAgain() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor expected = uncached(model, SyntheticModels.CNN_LAYER);
        gradients(model, SyntheticModels.CNN_LAYER);
        Path entry = entries(".onnx").get(0);
        byte[] whole = Files.readAllBytes(entry);
        for (byte[] broken : List.of(java.util.Arrays.copyOf(whole, whole.length / 2), new byte[] {8, 1, 7, 7})) {
            Files.write(entry, broken);
            Run again = gradients(model, SyntheticModels.CNN_LAYER);
            assertThat(again.built()).isPositive();
            assertThat(again.gradients().maxAbsDiff(expected)).isZero();
            assertThat(Files.size(entry)).as("the entry was written again").isEqualTo(whole.length);
        }
    }

    @Test
    void anotherBuildsEntryIsNeverRead() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        String identity = OnnxModelFile.readWithDigest(model).digest() + "|";
        OnnxModel opened = new OnnxModel(model, ModelOptions.defaults());
        opened.close();
        long built = Timings.count(BUILD);
        for (String build : List.of("1.0", "1.0", "9.9.9")) {
            try (OrtRunner r = new GraphCache(identity, ModelOptions.defaults(), build).session("plain", null,
                    () -> OnnxModelFile.read(model))) {
                assertThat(r.inputNames()).isNotEmpty();
            }
        }
        assertThat(Timings.count(BUILD) - built).as("built for 1.0, read for 1.0, built for 9.9.9").isEqualTo(2);
    }

    @Test
    void threeOpeningsFillingOneEntryAtOnceLeaveAGoodEntry() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor expected = uncached(model, SyntheticModels.CNN_LAYER);
        List<CompletableFuture<Run>> runs = List.of(
                CompletableFuture.supplyAsync(() -> gradients(model, SyntheticModels.CNN_LAYER)),
                CompletableFuture.supplyAsync(() -> gradients(model, SyntheticModels.CNN_LAYER)),
                CompletableFuture.supplyAsync(() -> gradients(model, SyntheticModels.CNN_LAYER)));
        for (CompletableFuture<Run> r : runs) {
            assertThat(r.get().gradients().maxAbsDiff(expected)).isZero();
        }
        assertThat(entries(".onnx")).hasSize(1);
        assertThat(entries(".tmp")).as("no temporary file left").isEmpty();
        Run after = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(after.built()).isZero();
        assertThat(after.gradients().maxAbsDiff(expected)).isZero();
    }

    @Test
    void twoProcessesFillingOneEntryAtOnceLeaveAGoodEntry() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor expected = uncached(model, SyntheticModels.CNN_LAYER);
        List<Process> processes = new java.util.ArrayList<>();
        for (String out : List.of("a.npy", "b.npy")) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + CacheFolder.PROPERTY + "=" + cache.folder(), "-cp", System.getProperty("java.class.path"),
                    FillGraphCache.class.getName(), model.toString(), SyntheticModels.CNN_LAYER,
                    dir.resolve(out).toString()).redirectErrorStream(true).start());
        }
        for (Process p : processes) {
            String printed = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("exit of a process filling the cache, which printed: %s", printed).isZero();
        }
        for (String out : List.of("a.npy", "b.npy")) {
            assertThat(org.cam4j.tensor.Npy.read(dir.resolve(out)).maxAbsDiff(expected)).as(out).isZero();
        }
        assertThat(entries(".onnx")).hasSize(1);
        assertThat(entries(".tmp")).as("no temporary file left").isEmpty();
        try (Stream<Path> facts = Files.list(cache.folder().resolve("shape-facts"))) {
            assertThat(facts.map(p -> p.getFileName().toString()).toList()).as("shape facts: one entry, no temporary")
                    .hasSize(1).noneMatch(n -> n.endsWith(".tmp"));
        }
        Run after = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(after.built()).as("read from the entry the processes left").isZero();
        assertThat(after.gradients().maxAbsDiff(expected)).isZero();
    }

    @Test
    void anUnwritableFolderIsWorkedWithout() throws Exception {
        Path model = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(3).toByteArray());
        Tensor expected = uncached(model, SyntheticModels.CNN_LAYER);
        // a file where the folder should be: nothing can be created below it, whoever runs the test
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a folder");
        System.setProperty(CacheFolder.PROPERTY, blocked.toString());
        Run first = gradients(model, SyntheticModels.CNN_LAYER);
        Run second = gradients(model, SyntheticModels.CNN_LAYER);
        assertThat(second.built()).as("no cache: built again").isPositive();
        assertThat(first.gradients().maxAbsDiff(expected)).isZero();
        assertThat(second.gradients().maxAbsDiff(expected)).isZero();
    }
}
