package org.cam4j.onnx.grad;

/** A node on the differentiated path whose gradient cannot be written; the message names the node and the fix. */
public final class UnsupportedGradientException extends RuntimeException {
    public UnsupportedGradientException(String message) {
        super(message);
    }
}
