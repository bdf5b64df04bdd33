package org.cam4j.onnx.grad;

import org.cam4j.errors.UnsupportedModelException;

/** A node on the differentiated path whose gradient cannot be written; the message names the node and the fix. */
public final class UnsupportedGradientException extends UnsupportedModelException {
    private static final long serialVersionUID = 1L;

    /** A refusal naming the op, the node and, where there is one, the fix. */
    public UnsupportedGradientException(String message) {
        super(message);
    }
}
