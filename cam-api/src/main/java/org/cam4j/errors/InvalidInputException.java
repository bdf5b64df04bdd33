package org.cam4j.errors;

/**
 * An input that does not fit the model or the call: an image, a tensor or `.npy` file, a target, a mask, an option's
 * value, or the name of a layer, method, metric or backend that does not exist.
 */
public class InvalidInputException extends CamException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public InvalidInputException(String message) {
        super(message);
    }

    /** An error with its message and the failure that revealed it. */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
