package org.cam4j.spark;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.cam4j.engine.batch.BatchWorker;

/**
 * The models an executor JVM has opened, kept from one task to the next: a task borrows an opened {@link BatchWorker}
 * of its (run, model, output, threads) and gives it back, so a model is opened once per executor and concurrent task
 * slot, not once per partition. Images are named per task in {@link #ORIGINAL} (a worker reads and names an image by
 * the URI its task gave). At most {@value #IDLE} idle workers are kept; older ones are closed.
 */
final class ExecutorModels {
    /** Idle workers kept per executor JVM. */
    static final int IDLE = 4;
    /** Each image's URI as its task gave it, by the path the worker sees (a URI's {@code //} does not survive Path). */
    static final Map<Path, String> ORIGINAL = new ConcurrentHashMap<>();
    /** Workers opened in this JVM so far (for tests). */
    static final AtomicInteger OPENED = new AtomicInteger();

    private static final Deque<Map.Entry<String, BatchWorker>> IDLE_WORKERS = new ArrayDeque<>();

    private ExecutorModels() {
    }

    /** An idle worker of this key, or a new one. */
    static BatchWorker borrow(String key, Supplier<BatchWorker> open) {
        synchronized (IDLE_WORKERS) {
            for (Iterator<Map.Entry<String, BatchWorker>> it = IDLE_WORKERS.iterator(); it.hasNext(); ) {
                Map.Entry<String, BatchWorker> e = it.next();
                if (e.getKey().equals(key)) {
                    it.remove();
                    return e.getValue();
                }
            }
        }
        OPENED.incrementAndGet();
        return open.get();
    }

    /** Gives a worker back for the next task; the oldest idle one is closed when too many are kept. */
    static void giveBack(String key, BatchWorker worker) {
        BatchWorker evicted = null;
        synchronized (IDLE_WORKERS) {
            IDLE_WORKERS.addLast(Map.entry(key, worker));
            if (IDLE_WORKERS.size() > IDLE) {
                evicted = IDLE_WORKERS.removeFirst().getValue();
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }
}
