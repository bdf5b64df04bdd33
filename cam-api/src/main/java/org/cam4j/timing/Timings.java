package org.cam4j.timing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a process's time goes, by phase (reading the model, analysing its graph, building the gradient graph,
 * creating ONNX Runtime sessions, probing shapes, running batches...): each phase's total wall time and count, in the
 * order phases first occur. Process-wide and cheap (two clock reads per phase); phases on several threads add up,
 * so their sum can exceed the wall time. {@code cam --timings} prints it; a library reads {@link #report}.
 */
public final class Timings {
    private static final Map<String, long[]> PHASES = new LinkedHashMap<>();

    private Timings() {
    }

    /** A phase being timed; closing it adds its time. */
    public static final class Phase implements AutoCloseable {
        private final String name;
        private final long start = System.nanoTime();

        private Phase(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            add(name, System.nanoTime() - start);
        }
    }

    /**
     * Starts timing a phase: {@code try (var t = Timings.phase("read model")) { ... }}.
     *
     * @param name the phase
     * @return the phase's timer, closed when it ends
     */
    public static Phase phase(String name) {
        return new Phase(name);
    }

    /**
     * The value of {@code work}, its time added to the phase.
     *
     * @param <T> the value's type
     * @param name the phase
     * @param work what to time
     * @return its value
     */
    public static <T> T time(String name, Supplier<T> work) {
        try (Phase p = phase(name)) {
            return work.get();
        }
    }

    /**
     * Adds time measured elsewhere to a phase.
     *
     * @param name the phase
     * @param nanos the time, in nanoseconds
     */
    public static void add(String name, long nanos) {
        synchronized (PHASES) {
            long[] v = PHASES.computeIfAbsent(name, k -> new long[2]);
            v[0] += nanos;
            v[1]++;
        }
    }

    /**
     * How many times a phase ran so far.
     *
     * @param name the phase
     * @return the count
     */
    public static long count(String name) {
        synchronized (PHASES) {
            long[] v = PHASES.get(name);
            return v == null ? 0 : v[1];
        }
    }

    /**
     * One line per phase: seconds, count, name.
     *
     * @return the lines, in the order the phases first ran
     */
    public static List<String> report() {
        List<String> lines = new ArrayList<>();
        synchronized (PHASES) {
            PHASES.forEach((name, v) -> lines.add(String.format(java.util.Locale.ROOT, "%8.3f s  %5d x  %s",
                    v[0] / 1e9, v[1], name)));
        }
        return lines;
    }

    /** Forgets every phase. */
    public static void clear() {
        synchronized (PHASES) {
            PHASES.clear();
        }
    }
}
