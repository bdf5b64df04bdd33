package org.cam4j.onnx.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs ONNX Runtime's native calls (session creation, runs) on threads with a large stack. The calling thread of
 * a run takes part in the computation, and ONNX Runtime's kernels keep working buffers on its stack: on the JVM's
 * default 1 MB thread stack, under a few dozen Java frames, a per-box run of the UltraFace detector's
 * gradient-augmented graph overflowed it and the process ended with SIGSEGV (no Java error, no hs_err file),
 * depending on how deep the Java stack above happened to be. The threads are pooled (created on demand, kept a
 * minute), so concurrent callers still run concurrently.
 */
final class LargeStack {
    /** Reserved, not committed: the threads touch only what the kernels use. */
    static final long STACK_BYTES = 64L << 20;

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(null, task, "cam4j-ort", STACK_BYTES);
        t.setDaemon(true);
        return t;
    });

    private LargeStack() {
    }

    /**
     * ONNX Runtime's environment, its native library loaded and initialised on a large-stack thread (the first
     * touch of ONNX Runtime runs its native start-up, as deep as a run). A method of this class, not a lambda of the
     * caller's: a caller's static initialiser waiting here for its own lambda would deadlock.
     */
    static ai.onnxruntime.OrtEnvironment environment() {
        return call(LargeStack::quietEnvironment, RuntimeException.class);
    }

    private static ai.onnxruntime.OrtEnvironment quietEnvironment() {
        return ai.onnxruntime.OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
                "cam4j");
    }

    /** Runs a task on a large-stack thread, without waiting for it. */
    static void submit(Runnable task) {
        THREADS.execute(task);
    }

    /** The call's result, computed on a large-stack thread; its exception (checked ones included) as thrown. */
    static <T, E extends Exception> T call(NativeCall<T, E> call, Class<E> checked) throws E {
        Future<T> result = THREADS.submit((Callable<T>) call::call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // a native call cannot be cut short: wait for it, and keep the interrupt for the caller
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (checked.isInstance(cause)) {
                        throw checked.cast(cause);
                    }
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A native call that may throw its library's checked exception. */
    @FunctionalInterface
    interface NativeCall<T, E extends Exception> {
        T call() throws E;
    }
}
