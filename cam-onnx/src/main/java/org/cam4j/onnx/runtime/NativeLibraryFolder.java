package org.cam4j.onnx.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * ONNX Runtime's Java loader unpacks its native libraries into a new {@code onnxruntime-java*} temporary folder on
 * every start and asks for the folder's deletion on exit before its files', so the JVM leaves it behind, empty
 * (hundreds after a day of {@code cam} runs). Its telemetry library also leaves an empty
 * {@code mat-debug-<pid>.log} in {@code $TMPDIR} (else {@code /tmp}) on every start. At exit this removes the folder
 * and the log this JVM's runtime made.
 */
final class NativeLibraryFolder {
    private NativeLibraryFolder() {
    }

    /** Registers the removal; call once ONNX Runtime is loaded. Does nothing where the loader keeps no such folder. */
    static void removeAtExit() {
        Path folder = loaderFolder();
        Path log = telemetryLog();
        Runnable cleanUp = () -> {
            if (folder != null && folder.getFileName().toString().startsWith("onnxruntime-java")) {
                delete(folder);
            }
            deleteIfEmpty(log);
        };
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "cam4j-ort-cleanup"));
        } catch (IllegalStateException shuttingDown) {
            // loaded (by the warm-up thread) while the process exits: nothing will use the folder
            cleanUp.run();
        }
    }

    /** The telemetry library's log of this process: {@code $TMPDIR/mat-debug-<pid>.log}. */
    static Path telemetryLog() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp, "mat-debug-" + ProcessHandle.current().pid()
                + ".log");
    }

    private static void deleteIfEmpty(Path log) {
        try {
            if (Files.isRegularFile(log) && Files.size(log) == 0) {
                Files.delete(log);
            }
        } catch (IOException ignored) {
            // best effort at exit, as for the folder
        }
    }

    /** The loader's folder (a private field of ONNX Runtime's loader: null when a future version renames it). */
    private static Path loaderFolder() {
        try {
            java.lang.reflect.Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            return f.get(null) instanceof Path p ? p : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort at exit: a folder left behind is the runtime's own behaviour
        }
    }
}
