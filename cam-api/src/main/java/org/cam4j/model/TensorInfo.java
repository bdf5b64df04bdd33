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

    /** Values per image (the product of every axis but the batch axis; for a classifier, its classes), or -1. */
    public int valuesPerImage() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            n *= shape[i];
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
