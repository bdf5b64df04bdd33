package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run of {@code cam} in its own JVM leaves nothing in the temporary folder: not the bundled model, not ORT's. */
class TempFolderTest {
    @TempDir
    Path dir;

    @Test
    void aRunLeavesNoTemporaryFolders() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder run = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), CamCli.class.getName(), "explain", "--out",
                dir.resolve("out").toString()).redirectErrorStream(true);
        // native libraries write where TMPDIR says (ONNX Runtime's telemetry log, mat-debug-<pid>.log)
        run.environment().put("TMPDIR", tmp.toString());
        Process p = run.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        try (Stream<Path> left = Files.list(tmp)) {
            // .ses: the telemetry library's one session file, shared by every run (not one per run)
            List<String> names = left.map(f -> f.getFileName().toString()).filter(f -> !f.equals(".ses")).toList();
            assertThat(names).as("left in the temporary folder").isEmpty();
        }
    }
}
