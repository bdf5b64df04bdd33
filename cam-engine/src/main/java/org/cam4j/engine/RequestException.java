package org.cam4j.engine;

import org.cam4j.errors.InvalidInputException;

/**
 * A request that does not fit (an option, a target spec, a file, a YAML key), as a door reports it in one line (exit
 * code 2, HTTP 400); an {@link InvalidInputException}.
 */
public final class RequestException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** A refusal with its one-line message (the problem and the fix). */
    public RequestException(String message) {
        super(message);
    }
}
