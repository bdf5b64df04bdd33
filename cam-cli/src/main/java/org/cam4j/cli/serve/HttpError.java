package org.cam4j.cli.serve;

/** A refused request with its HTTP status and the one-line message the client gets as {@code {"error": ...}}. */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }
}
