package org.cam4j.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request's body within a time limit counted from its headers: a client that stops sending (or promises a
 * longer body than it sends) gets a 408 as soon as the limit runs out, written while the handler's read still
 * waits, and its connection is closed by the JDK's server later ({@code sun.net.httpserver.maxReqTime}, set to
 * twice the limit, which also bounds a client that never finishes its headers). Exactly one answer reaches the
 * client: the 408, or whatever the handler answers once the body is in.
 */
final class BodyReader {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cam4j-send-timeout");
        t.setDaemon(true);
        return t;
    });

    /** Thrown to a handler whose client already got its 408: nothing more is to be sent. */
    static final class Answered extends RuntimeException {
        Answered() {
            super("the client was answered 408", null, false, false);
        }
    }

    private BodyReader() {
    }

    /** What reads the body from the request's stream (limits of size are the caller's). */
    @FunctionalInterface
    interface Read {
        byte[] from(InputStream in) throws IOException;
    }

    /** The body, read by {@code read} within {@code seconds}; else the 408 is sent and {@link Answered} thrown. */
    static byte[] read(HttpExchange ex, int seconds, Read read) throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> late = TIMER.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                answerLate(ex, seconds);
            }
        }, seconds, TimeUnit.SECONDS);
        byte[] body;
        try {
            body = read.from(ex.getRequestBody());
        } catch (IOException | RuntimeException e) {
            late.cancel(false);
            if (!settled.compareAndSet(false, true)) {
                throw new Answered();
            }
            throw e;
        }
        late.cancel(false);
        if (!settled.compareAndSet(false, true)) {
            throw new Answered();
        }
        return body;
    }

    /** The 408, flushed at once; the connection is left to the server's own limit (closing it would drain first). */
    private static void answerLate(HttpExchange ex, int seconds) {
        byte[] body = ("{\"error\": \"the request body did not arrive within " + seconds + " s of its headers"
                + " (--send-timeout); send the whole request at once\"}").getBytes(StandardCharsets.UTF_8);
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Connection", "close");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(408, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client is gone already: nothing to answer
        }
    }
}
