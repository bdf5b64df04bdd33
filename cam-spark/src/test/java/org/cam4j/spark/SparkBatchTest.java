package org.cam4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cam4j.cli.CamCli;
import org.cam4j.engine.RequestException;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example YAML ({@code examples/batch.yaml}: the bundled ResNet-8, four photos, four methods, top-2
 * targets) through Spark on {@code local[2]}, against the same YAML run locally.
 */
class SparkBatchTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "batch.yaml").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path local;

    @BeforeAll
    static void localRun() {
        local = dir.resolve("local");
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"batch", EXAMPLE.toString(), "--out", local.toString(),
            "--no-progress"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(exit).as(err.toString()).isZero();
    }

    @AfterEach
    void noInjectedFailure() {
        System.clearProperty(ExplainPartition.FAIL_AFTER);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run spark(Path out, String master) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int exit = SparkBatch.run(EXAMPLE, out.toString(), master, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Run(exit, o.toString(), e.toString());
    }

    @Test
    void sparkWritesTheSameFilesAndCamsAsALocalRun() throws Exception {
        Path out = dir.resolve("spark");
        Run r = spark(out, "local[2]");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("explained 4 image(s) with 4 method(s)").contains("on Spark local[2]")
                .contains("(4 explained, 0 already done)");
        sameAsLocal(out);
    }

    @Test
    void anExecutorOpensTheModelOnceForAllItsTasks() throws Exception {
        // local[1]: one executor thread, the 4 images in 2 partitions run one after the other
        Path out = dir.resolve("spark-one-thread");
        int before = ExecutorModels.OPENED.get();
        Run r = spark(out, "local[1]");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(ExecutorModels.OPENED.get() - before).as("model openings for two tasks").isEqualTo(1);
        sameAsLocal(out);
    }

    @Test
    void aFailedTaskIsRetriedAndEveryImageIsExplainedOnce() throws Exception {
        System.setProperty(ExplainPartition.FAIL_AFTER, "1");
        Path out = dir.resolve("retried");
        // local[2,4]: two threads, a task may fail up to 4 times
        Run r = spark(out, "local[2,4]");
        assertThat(r.exit()).as(r.err()).isZero();
        // the failed attempt's image was finished before the failure: its retry skips it
        assertThat(r.out()).contains("(3 explained, 1 already done)");
        sameAsLocal(out);
    }

    @Test
    void aJobKilledMidwayFinishesOnRerunWithEveryImageDoneOnce() throws Exception {
        System.setProperty(ExplainPartition.FAIL_AFTER, "1");
        Path out = dir.resolve("killed");
        assertThatThrownBy(() -> spark(out, "local[2]")).isInstanceOf(RequestException.class)
                .hasMessageContaining("the Spark job failed").hasMessageContaining("failure injected");
        long finished;
        try (Stream<Path> records = Files.list(out.resolve("cifar10-resnet8/.done"))) {
            finished = records.count();
        }
        assertThat(finished).isBetween(1L, 3L);
        System.clearProperty(ExplainPartition.FAIL_AFTER);
        Run r = spark(out, "local[2]");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(" + (4 - finished) + " explained, " + finished + " already done)");
        sameAsLocal(out);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        assertThatThrownBy(() -> spark(dir.resolve("x"), "spark://localhost:1"))
                .hasMessageStartingWith("cannot reach the Spark master spark://localhost:1 (localhost:1:");
        assertThatThrownBy(() -> spark(dir.resolve("x"), "mesos://host:5050"))
                .hasMessageStartingWith("unknown Spark master 'mesos://host:5050'");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> spark(file.resolve("out"), "local[1]"))
                .hasMessageStartingWith("output folder file:" + file.resolve("out") + " is not writable");
        assertThatThrownBy(() -> HadoopImages.read(dir.resolve("missing.png").toString()))
                .hasMessageContaining("is not visible on executor")
                .hasMessageContaining("a path only the driver sees?");
        StringWriter err = new StringWriter();
        assertThat(CamCli.execute(new String[] {"batch", EXAMPLE.toString(), "--master", "local[2]"},
                new PrintWriter(new StringWriter()), new PrintWriter(err))).isEqualTo(2);
        assertThat(err.toString()).contains("--master local[2] needs --spark");
    }

    @Test
    void aBadImageIsAFailedRecordAndGlobsListThroughHadoop() throws Exception {
        Path run = Files.createDirectories(dir.resolve("globbed"));
        Path photos = Files.createDirectories(run.resolve("photos"));
        Files.copy(EXAMPLE.resolveSibling("photos/both.png"), photos.resolve("a.png"));
        Files.copy(EXAMPLE.resolveSibling("photos/cat.bmp"), photos.resolve("b.bmp"));
        Files.writeString(photos.resolve("broken.png"), "not a png");
        Files.writeString(photos.resolve("notes.txt"), "not an image");
        Path yaml = Files.writeString(run.resolve("run.yaml"), String.join("\n", "output: out",
                "formats: [png, json]", "models: [{name: cifar}]", "methods: [GradCAM]", "images: [\"photos/*\"]", ""));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int exit = SparkBatch.run(yaml, null, "local[2]", new PrintWriter(o, true), new PrintWriter(e, true));
        assertThat(exit).as(e.toString()).isEqualTo(1);
        assertThat(o.toString()).contains("explained 2 image(s) with 1 method(s)").contains("; 1 failed");
        assertThat(e.toString()).contains("cam: failed: " + photos.resolve("broken.png"));
        JsonNode summary = JSON.readTree(run.resolve("out/summary.json").toFile());
        assertThat(summary).hasSize(3);
        assertThat(summary.findValuesAsText("error")).hasSize(1);
        assertThat(run.resolve("out/cifar/a.GradCAM.dog.png")).exists();
    }

    @Test
    void detectionTasksRunOnSparkAsTheyRunLocally() throws Exception {
        Path run = Files.createDirectories(dir.resolve("faces"));
        Path model = org.cam4j.testdata.TestFiles.ultraface(run);
        Path yaml = Files.writeString(run.resolve("run.yaml"), String.join("\n", "output: out",
                "formats: [png, npy, json]", "task: detection",
                "detection: {score_threshold: 0.7, iou: 0.3, per_box: true}",
                "models: [{name: faces, path: " + run.relativize(model) + "}]", "methods: [HiResCAM]",
                "images: [ultraface/13.jpg, ultraface/23.jpg]", ""));
        StringWriter err = new StringWriter();
        assertThat(CamCli.execute(new String[] {"batch", yaml.toString(), "--out", run.resolve("local").toString(),
            "--no-progress"}, new PrintWriter(new StringWriter()), new PrintWriter(err))).as(err.toString()).isZero();
        StringWriter o = new StringWriter();
        int exit = SparkBatch.run(yaml, run.resolve("spark").toString(), "local[2]", new PrintWriter(o, true),
                new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        TreeSet<String> files = files(run.resolve("local"));
        assertThat(files(run.resolve("spark"))).isEqualTo(files);
        assertThat(files).contains("faces/13.HiResCAM.box1.npy", "faces/23.HiResCAM.box2.png");
        for (String f : files) {
            if (f.endsWith(".npy")) {
                assertThat(Npy.read(run.resolve("spark").resolve(f)).maxAbsDiff(Npy.read(run.resolve("local")
                        .resolve(f)))).as(f).isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void aModelTheRunCannotUseIsRefusedByTheDriverBeforeAnyExecutorStarts() throws Exception {
        Path run = Files.createDirectories(dir.resolve("refused"));
        Path model = org.cam4j.testdata.TestFiles.ultraface(run);
        Path yaml = Files.writeString(run.resolve("run.yaml"), String.join("\n", "output: out", "formats: [png]",
                "models: [{name: faces, path: " + run.relativize(model) + "}]", "methods: [GradCAM]",
                "images: [ultraface/13.jpg]", ""));
        StringWriter o = new StringWriter();
        // an executor's refusal would come back as "the Spark job failed: ...", after Spark's own ERROR lines
        assertThatThrownBy(() -> SparkBatch.run(yaml, null, "local[1]", new PrintWriter(o, true),
                new PrintWriter(new StringWriter(), true)))
                .isInstanceOf(org.cam4j.engine.RequestException.class)
                .hasMessageStartingWith(yaml + ": model faces is an object detector")
                .hasMessageEndingWith("add 'task: detection' to the YAML to explain its detections");
        assertThat(o.toString()).isEmpty();
        try (java.util.stream.Stream<Path> files = Files.walk(run.resolve("out"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aModelNamedByUriIsCopiedWithItsYamlAndLabels() throws Exception {
        Path run = Files.createDirectories(dir.resolve("uri-model"));
        Path model = org.cam4j.testdata.TestFiles.ultraface(run);
        Path yaml = Files.writeString(run.resolve("run.yaml"), String.join("\n", "output: out",
                "formats: [json]", "task: detection", "detection: {score_threshold: 0.7, iou: 0.3}",
                "models: [{name: faces, path: \"" + model.toUri() + "\"}]", "methods: [EigenCAM]",
                "images: [ultraface/13.jpg]", ""));
        StringWriter err = new StringWriter();
        int exit = SparkBatch.run(yaml, null, "local[2]", new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        JsonNode record = JSON.readTree(run.resolve("out/summary.json").toFile()).get(0);
        // the YAML's preprocessing and labels came along: two faces, named as labels.txt names them
        assertThat(record.get("detections")).hasSize(2);
        assertThat(record.get("detections").get(0).get("label").asText()).isEqualTo("face");
        StringWriter localErr = new StringWriter();
        assertThat(CamCli.execute(new String[] {"batch", yaml.toString(), "--no-progress"},
                new PrintWriter(new StringWriter()), new PrintWriter(localErr))).isEqualTo(2);
        assertThat(localErr.toString()).contains("is on another file system; a local run reads local files");
    }

    @Test
    void camBatchSparkRunsTheJobInProcess() throws Exception {
        Path out = dir.resolve("cli");
        StringWriter o = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"batch", EXAMPLE.toString(), "--spark", "--master", "local[2]",
            "--out", out.toString()}, new PrintWriter(o), new PrintWriter(err));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(o.toString()).contains("on Spark local[2]");
        sameAsLocal(out);
    }

    /** The same files (names and sizes of pictures aside), every map within 1e-6, the same records. */
    private static void sameAsLocal(Path out) throws Exception {
        assertThat(files(out)).isEqualTo(files(local));
        for (String f : files(local)) {
            if (f.endsWith(".npy")) {
                Tensor a = Npy.read(local.resolve(f));
                Tensor b = Npy.read(out.resolve(f));
                assertThat(b.shape()).containsExactly(a.shape());
                assertThat(b.maxAbsDiff(a)).as(f).isLessThanOrEqualTo(1e-6f);
            }
        }
        JsonNode a = JSON.readTree(local.resolve("summary.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(b).hasSize(a.size());
        List<String> images = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            images.add(b.get(i).get("image").asText());
            assertThat(b.get(i).get("image")).isEqualTo(a.get(i).get("image"));
            assertThat(b.get(i).get("cams")).isEqualTo(a.get(i).get("cams"));
            for (int k = 0; k < a.get(i).get("predictions").size(); k++) {
                assertThat(b.get(i).get("predictions").get(k).get("label"))
                        .isEqualTo(a.get(i).get("predictions").get(k).get("label"));
                assertThat(b.get(i).get("predictions").get(k).get("probability").asDouble()).isCloseTo(
                        a.get(i).get("predictions").get(k).get("probability").asDouble(), within(1e-6));
            }
        }
        assertThat(images).doesNotHaveDuplicates();
    }

    private static TreeSet<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            TreeSet<String> out = new TreeSet<>();
            all.filter(Files::isRegularFile).forEach(f -> out.add(root.relativize(f).toString()));
            return out;
        }
    }

    @Test
    void anOutputUriOnTheCommandLineIsWrittenThereNotToALocalFolderNamedAfterItsScheme() throws Exception {
        Path run = dir.resolve("uri-run");
        Files.createDirectories(run);
        Path photo = Files.copy(EXAMPLE.resolveSibling("photos").resolve("both.png"), run.resolve("both.png"));
        Path yaml = Files.writeString(run.resolve("run.yaml"), "output: unused\nimages: [both.png]\n"
                + "methods: [GradCAM]\nformats: [png, json]\n");
        Path target = run.resolve("cams");
        StringWriter err = new StringWriter();
        int exit = CamCli.execute(new String[] {"batch", yaml.toString(), "--spark", "--master", "local[1]",
            "--no-progress", "--out", target.toUri().toString()}, new PrintWriter(new StringWriter()),
            new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(target.resolve("summary.json")).exists();
        try (Stream<Path> s = Files.walk(run)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(":")).toList()).isEmpty();
        }
        assertThat(photo).exists();
    }
}
