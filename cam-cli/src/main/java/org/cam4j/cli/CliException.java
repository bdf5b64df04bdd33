package org.cam4j.cli;

/** A user error the command reports in one line (exit code 2). */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
