package org.cam4j.errors;

/**
 * A model cam4j reads but cannot explain as asked: an operator without a gradient rule, a layer without a spatial
 * map, a head that cannot be run alone.
 */
public class UnsupportedModelException extends CamException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public UnsupportedModelException(String message) {
        super(message);
    }

    /** An error with its message and the failure that revealed it. */
    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
