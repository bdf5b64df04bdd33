package org.cam4j.onnx.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an optimised ONNX Runtime model depends on of the machine: ONNX Runtime picks kernels and layouts by the CPU's
 * instruction sets (AVX2, AVX-512, ...), so a model it optimised on one CPU may not run on another. On Linux the
 * first processor's model name and feature flags; elsewhere the operating system and architecture alone.
 */
final class CpuIdentity {
    /** Read once per process: the CPU does not change under a running JVM. */
    private static final String DESCRIPTION = read();

    private CpuIdentity() {
    }

    static String describe() {
        return DESCRIPTION;
    }

    private static String read() {
        StringBuilder id = new StringBuilder(System.getProperty("os.name") + "|" + System.getProperty("os.arch"));
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            Map<String, String> first = new LinkedHashMap<>();
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                lines.map(l -> l.split(":", 2)).filter(kv -> kv.length == 2)
                        .map(kv -> new String[] {kv[0].trim(), kv[1].trim()})
                        .filter(kv -> kv[0].equals("model name") || kv[0].equals("flags") || kv[0].equals("Features"))
                        .forEach(kv -> first.putIfAbsent(kv[0], kv[1]));
            } catch (IOException | java.io.UncheckedIOException e) {
                first.put("unreadable", e.getMessage());
            }
            first.forEach((k, v) -> id.append('|').append(k).append('=').append(v));
        }
        return id.toString();
    }
}
