package org.cam4j.errors;

/**
 * An error in what cam4j was given (a model, an input, a target, an option, a name), with a message that names the
 * problem and, where there is one, the fix. It is an {@link IllegalArgumentException}, so code that caught that
 * before the kinds existed still catches every cam4j error.
 */
public class CamException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The option or field the message is about, in snake case ({@code max_pixels}), or null. */
    private String field;

    /**
     * An error with its message.
     *
     * @param message the problem and, where there is one, the fix
     */
    public CamException(String message) {
        super(message);
    }

    /**
     * An error with its message and the failure that revealed it.
     *
     * @param message the problem and, where there is one, the fix
     * @param cause the underlying failure
     */
    public CamException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Names the option or field of the call this error is about, in snake case ({@code max_pixels}): the message
     * speaks of it in those words, and each door adds its own name for it (the command line's {@code --max-pixels}).
     *
     * @param field the setting's name, in snake case
     * @return this exception
     */
    public CamException naming(String field) {
        this.field = field;
        return this;
    }

    /**
     * The option or field this error is about, in snake case, when it is about one.
     *
     * @return the setting's name, if any
     */
    public java.util.Optional<String> field() {
        return java.util.Optional.ofNullable(field);
    }
}
