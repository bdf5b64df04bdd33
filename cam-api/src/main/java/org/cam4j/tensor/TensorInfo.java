package org.cam4j.tensor;

import java.util.Arrays;

/**
 * Name, shape and layout of a model input or output. Unknown (symbolic) dimensions are -1.
 */
public record TensorInfo(String name, long[] shape, Layout layout) {
    /**
     * Height and width of an image input, from its shape and layout, or -1 where symbolic.
     *
     * @return the height, or -1
     */
    public int height() {
        return (int) shape[layout == Layout.NHWC ? 1 : 2];
    }

    /**
     * Width of an image input, from its shape and layout, or -1 where symbolic.
     *
     * @return the width, or -1
     */
    public int width() {
        return (int) shape[layout == Layout.NHWC ? 2 : 3];
    }

    /**
     * Channels of an image input, from its shape and layout, or -1 where symbolic.
     *
     * @return the channels, or -1
     */
    public int channels() {
        return (int) shape[layout == Layout.NHWC ? 3 : 1];
    }

    /**
     * Values per image (the product of every axis but the batch axis; for a classifier, its classes), or -1.
     *
     * @return the count, or -1
     */
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

    /**
     * Fails, naming both shapes and the fix, unless {@code x} is a non-empty batch this input accepts.
     *
     * @param x a batch
     */
    public void requireFits(org.cam4j.tensor.Tensor x) {
        int[] actual = x.shape();
        boolean ok = actual.length == shape.length && actual[0] > 0;
        for (int i = 1; ok && i < actual.length; i++) {
            ok = shape[i] < 0 || shape[i] == actual[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(actual) + " does not fit the model's"
                    + " input '" + name + "' " + Arrays.toString(shape) + " (-1 = any); fix the preprocessing size or"
                    + " layout");
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
