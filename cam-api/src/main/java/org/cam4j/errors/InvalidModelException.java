package org.cam4j.errors;

/**
 * A model file that cannot be read or run: missing, truncated, not ONNX (or not a SavedModel), an IR version or a
 * structure cam4j does not read, or one its runtime refuses.
 */
public class InvalidModelException extends CamException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public InvalidModelException(String message) {
        super(message);
    }

    /** An error with its message and the failure that revealed it. */
    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
