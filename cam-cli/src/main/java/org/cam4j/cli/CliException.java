package org.cam4j.cli;

/** A user error the command reports in one line (exit code 2). */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
