package org.cam4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cam4j.cli.CamCli;
import org.cam4j.engine.DefaultModel;
import org.cam4j.tensor.Npy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cam batch --spark} on a real Spark standalone cluster ({@code cam-spark/local-cluster}: a master and two
 * workers, each a JVM of its own, their executors more JVMs): a batch of 200 images and one truncated JPEG with three
 * methods, one of them a plugin jar's that only the driver is given (Spark ships it), one worker and its executor killed (SIGKILL) while the executor runs a task. The job finishes on the other
 * worker, the truncated JPEG fails alone, and the output is that of a local {@code cam batch} of the same YAML: the
 * same files, every map within 1e-6, one record per image. Then the driver of a second run is killed (SIGKILL) once
 * some images are done: its rerun redoes only the others and ends with the same output. Runs after packaging (it
 * needs {@code target/cam-spark.jar} to ship to the executors), tagged {@code cluster}.
 */
@Tag("cluster")
class StandaloneClusterTest {
    private static final int IMAGES = 200;

    @TempDir
    Path dir;

    private static final Path MODULE = Path.of("").toAbsolutePath();

    private static Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(MODULE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // the driver, the master, the workers and their executors talk over the loopback interface
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    private static String run(List<String> command, Path log) throws Exception {
        Process p = start(command, log);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).filter(p -> !p.startsWith(".cam4j"))
                    .sorted().toList();
        }
    }

    /** The stderr logs of a worker's executors. */
    private static List<Path> executorLogs(Path worker) throws IOException {
        if (!Files.isDirectory(worker)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(worker)) {
            return s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }

    private static boolean runsATask(Path worker) throws IOException {
        for (Path log : executorLogs(worker)) {
            String text = Files.readString(log);
            if (text.contains("Running task")) {
                return true;
            }
        }
        return false;
    }

    /** The driver's command line: cam-spark.jar's CamCli with a plugin jar on the cluster, into {@code out}. */
    private static List<String> driver(String opens, Path jar, Path plugin, Path yaml, String master, Path out) {
        List<String> driver = new ArrayList<>(List.of("java"));
        driver.addAll(List.of(opens.split(" ")));
        driver.add("-Dcam4j.plugins=" + plugin);
        driver.addAll(List.of("-cp", jar + java.io.File.pathSeparator + MODULE.resolve("target/spark-jars/*"),
                "org.cam4j.cli.CamCli", "batch", yaml.toString(), "--spark", "--master", master, "--out",
                out.toString(), "--no-progress"));
        return driver;
    }

    /** Images with a record in {@code out} (its models' {@code .done} folders, which only gain files): those done. */
    private static long done(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> models = Files.list(out)) {
            for (Path records : models.map(m -> m.resolve(".done")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> s = Files.list(records)) {
                    n += s.filter(p -> p.toString().endsWith(".json")).count();
                }
            }
        }
        return n;
    }

    /**
     * Kills a run's driver (SIGKILL) once at least 20 images are done, then runs it again: the rerun finds those
     * done and explains only the rest.
     */
    private void driverKilledThenRerun(List<String> command) throws Exception {
        Path out = Path.of(command.get(command.indexOf("--out") + 1));
        Process first = start(command, dir.resolve("killed-driver.log"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (done(out) < 20 && first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            first.destroyForcibly();
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long before = done(out);
        assertThat(before).as("images done when the driver was killed; its log:\n"
                + Files.readString(dir.resolve("killed-driver.log"))).isBetween(20L, IMAGES - 1L);
        Process again = start(command, dir.resolve("rerun.log"));
        try {
            assertThat(again.waitFor(300, TimeUnit.SECONDS)).as("the rerun ends").isTrue();
        } finally {
            again.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("rerun.log"));
        assertThat(again.exitValue()).as(log).isEqualTo(CamCli.PARTIAL_FAILURE);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) explained, (\\d+) already done\\)")
                .matcher(log);
        assertThat(m.find()).as(log).isTrue();
        long explained = Long.parseLong(m.group(1));
        long skipped = Long.parseLong(m.group(2));
        System.out.printf("driver killed with %d of %d images done; the rerun explained %d, skipped %d%n", before,
                IMAGES, explained, skipped);
        assertThat(skipped).as("images the killed run finished, not redone").isGreaterThanOrEqualTo(before);
        assertThat(explained + skipped).as(log).isEqualTo(IMAGES);
        assertThat(done(out)).isEqualTo(IMAGES);
    }

    @Test
    void aBatchSurvivesAWorkerKilledMidRun() throws Exception {
        Path jar = MODULE.resolve("target/cam-spark.jar");
        assumeTrue(Files.isRegularFile(jar), "target/cam-spark.jar is made by the package phase; this test runs"
                + " after it (mvn verify)");
        Path photos = Files.createDirectories(dir.resolve("photos"));
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(MODULE.resolve("../examples/photos"))) {
            s.filter(p -> !p.toString().endsWith(".md")).sorted().forEach(sources::add);
        }
        for (int i = 0; i < IMAGES; i++) {
            Path source = sources.get(i % sources.size());
            Files.copy(source, photos.resolve(i + "-" + source.getFileName()));
        }
        // a poisoned image: a JPEG cut short, which fails its image only
        byte[] jpeg = Files.readAllBytes(sources.stream().filter(p -> p.toString().endsWith(".jpg")).findFirst()
                .orElseThrow());
        Files.write(photos.resolve("poisoned.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        // the bundled model with its YAML and labels, beside the run's YAML
        try (Stream<Path> s = Files.list(DefaultModel.model().getParent())) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path yaml = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{path: "
                + DefaultModel.model().getFileName() + "}]\n"
                + "images: [photos/]\nmethods: [GradCAM, EigenCAM, MeanActivationCAM]\ntargets: {top_k: 1}\n"
                + "formats: [npy, json]\n");
        Path plugin = org.cam4j.testdata.PluginJars.meanActivationCam(dir, true);

        StringWriter err = new StringWriter();
        System.setProperty("cam4j.plugins", plugin.toString());
        int local;
        try {
            local = CamCli.execute(new String[] {"batch", yaml.toString(), "--out", dir.resolve("local").toString(),
                "--no-progress"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        } finally {
            System.clearProperty("cam4j.plugins");
        }
        assertThat(local).as(err.toString()).isEqualTo(CamCli.PARTIAL_FAILURE);
        assertThat(err.toString()).contains("poisoned.jpg").contains("truncated");

        Path cluster = dir.resolve("cluster");
        String started = run(List.of("bash", "local-cluster", "start", "2", cluster.toString()),
                dir.resolve("start.log"));
        String master = started.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(master).startsWith("spark://");
        Process job = null;
        try {
            String opens = Files.readString(MODULE.resolve("pom.xml")).replaceAll("(?s).*<spark.opens>(.*)"
                    + "</spark.opens>.*", "$1");
            List<String> driver = driver(opens, jar, plugin, yaml, master, dir.resolve("spark"));
            Path driverLog = dir.resolve("driver.log");
            job = start(driver, driverLog);
            // kill worker 1 and its executor (SIGKILL) as soon as that executor runs a task
            Path worker = cluster.resolve("worker-1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!runsATask(worker) && job.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(runsATask(worker)).as("worker 1's executor got a task; driver log:\n"
                    + Files.readString(driverLog)).isTrue();
            ProcessHandle workerProcess = ProcessHandle.of(Long.parseLong(Files.readString(
                    cluster.resolve("worker-1.pid")).strip())).orElseThrow();
            List<ProcessHandle> killed = new ArrayList<>(workerProcess.descendants().toList());
            killed.add(workerProcess);
            killed.forEach(ProcessHandle::destroyForcibly);
            assertThat(killed).as("the worker and its executor").hasSizeGreaterThanOrEqualTo(2);

            assertThat(job.waitFor(300, TimeUnit.SECONDS)).as("the job ends").isTrue();
            String log = Files.readString(driverLog);
            assertThat(job.exitValue()).as(log).isEqualTo(CamCli.PARTIAL_FAILURE);
            assertThat(log).contains("explained " + IMAGES + " image(s) with 3 method(s)").contains("1 failed")
                    .contains("poisoned.jpg").contains("truncated");
            for (Path executor : executorLogs(worker)) {
                String text = Files.readString(executor);
                assertThat(text.split("Running task", -1).length).as("a task of the killed executor never finished")
                        .isGreaterThan(text.split("Finished task", -1).length);
            }
            driverKilledThenRerun(driver(opens, jar, plugin, yaml, master, dir.resolve("resumed")));
        } finally {
            if (job != null) {
                job.destroyForcibly();
            }
            run(List.of("bash", "local-cluster", "stop", cluster.toString()), dir.resolve("stop.log"));
        }
        assertThat(files(dir.resolve("resumed"))).as("the resumed run's output").isEqualTo(files(dir.resolve("local")));

        Path localOut = dir.resolve("local");
        Path sparkOut = dir.resolve("spark");
        List<Path> expected = files(localOut);
        assertThat(files(sparkOut)).isEqualTo(expected);
        long maps = expected.stream().filter(p -> p.toString().endsWith(".npy")).count();
        assertThat(maps).isEqualTo(3L * IMAGES);
        for (Path p : expected) {
            if (p.toString().endsWith(".npy")) {
                assertThat(Npy.read(sparkOut.resolve(p)).maxAbsDiff(Npy.read(localOut.resolve(p))))
                        .as(p.toString()).isLessThanOrEqualTo(1e-6f);
            }
        }
        long records = expected.stream().filter(p -> p.toString().endsWith(".json")
                && !p.getFileName().toString().equals("summary.json")).count();
        assertThat(records).as("one record per image").isEqualTo(IMAGES);
    }
}
