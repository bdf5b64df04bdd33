package org.cam4j.engine;

/** A user error the command reports in one line (exit code 2). */
public final class RequestException extends RuntimeException {
    public RequestException(String message) {
        super(message);
    }
}
