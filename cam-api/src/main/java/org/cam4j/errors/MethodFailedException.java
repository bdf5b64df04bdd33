package org.cam4j.errors;

/**
 * A method's computation that failed on valid inputs, such as non-finite logits, activations or gradients.
 */
public class MethodFailedException extends CamException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public MethodFailedException(String message) {
        super(message);
    }

    /** An error with its message and the failure that revealed it. */
    public MethodFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
