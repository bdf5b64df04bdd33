package org.cam4j.model;

import java.util.Arrays;

/**
 * Name, shape and layout of a model input or output. Unknown (symbolic) dimensions are -1.
 */
public record TensorInfo(String name, long[] shape, Layout layout) {
    /** Height and width of an image input, from its shape and layout, or -1 where symbolic. */
    public int height() {
        return (int) shape[layout == Layout.NHWC ? 1 : 2];
    }

    public int width() {
        return (int) shape[layout == Layout.NHWC ? 2 : 3];
    }

    public int channels() {
        return (int) shape[layout == Layout.NHWC ? 3 : 1];
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
