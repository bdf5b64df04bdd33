package org.cam4j.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A small dense float tensor: a shape and row-major (C order) storage.
 *
 * <p>Views share storage: {@link #slice(int)} (one entry of the first axis) and {@link #reshape(int...)} copy
 * nothing. Everything the CAM methods need and no more; this is not a general numpy.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;
    private final int offset;
    private final int size;

    private Tensor(int[] shape, float[] data, int offset) {
        this.shape = shape.clone();
        this.size = sizeOf(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + size + " values, storage has "
                            + (data.length - offset));
        }
        this.data = data;
        this.offset = offset;
    }

    /**
     * Wraps {@code data} (not copied) as a tensor of the given shape.
     *
     * @param data the values, row-major
     * @param shape the dimensions; their product must be the values' count
     * @return the tensor
     */
    public static Tensor of(float[] data, int... shape) {
        if (sizeOf(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + sizeOf(shape)
                    + " values, got " + data.length);
        }
        return new Tensor(shape, data, 0);
    }

    /**
     * A tensor of this shape filled with 0.
     *
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new float[sizeOf(shape)], 0);
    }

    /**
     * Stacks equally shaped tensors along a new first axis.
     *
     * @param parts the tensors, at least one
     * @return the stacked tensor, a copy
     */
    public static Tensor stack(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot stack an empty list of tensors");
        }
        int[] inner = parts.get(0).shape;
        int[] shape = new int[inner.length + 1];
        shape[0] = parts.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        Tensor out = zeros(shape);
        for (int i = 0; i < parts.size(); i++) {
            parts.get(i).requireShape(inner);
            out.slice(i).copyFrom(parts.get(i));
        }
        return out;
    }

    /**
     * Joins tensors along their first axis; the other axes must agree.
     *
     * @param parts the tensors, at least one
     * @return the joined tensor, a copy
     */
    public static Tensor concat(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot concatenate an empty list of tensors");
        }
        int[] shape = parts.get(0).shape.clone();
        int total = 0;
        for (Tensor part : parts) {
            int[] expected = shape.clone();
            expected[0] = part.shape[0];
            part.requireShape(expected);
            total += part.shape[0];
        }
        shape[0] = total;
        Tensor out = zeros(shape);
        int row = 0;
        for (Tensor part : parts) {
            for (int i = 0; i < part.shape[0]; i++) {
                out.slice(row++).copyFrom(part.slice(i));
            }
        }
        return out;
    }

    /**
     * The number of values of a shape (the product of its dimensions).
     *
     * @param shape the dimensions
     * @return their product
     */
    public static int sizeOf(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    /**
     * The dimensions, outermost first (a copy).
     *
     * @return the dimensions
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the number of dimensions
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The size of one dimension.
     *
     * @param axis the dimension's index
     * @return its size
     */
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    /**
     * The number of values.
     *
     * @return the number of values
     */
    public int size() {
        return size;
    }

    /** Row-major index of a full coordinate. */
    private int index(int... coords) {
        if (coords.length != shape.length) {
            throw new IllegalArgumentException(
                    "expected " + shape.length + " indices for shape " + Arrays.toString(shape) + ", got " + coords.length);
        }
        int idx = 0;
        for (int a = 0; a < shape.length; a++) {
            if (coords[a] < 0 || coords[a] >= shape[a]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(coords) + " outside shape " + Arrays.toString(shape));
            }
            idx = idx * shape[a] + coords[a];
        }
        return offset + idx;
    }

    /**
     * The value at these coordinates, one per dimension.
     *
     * @param coords one coordinate per dimension
     * @return the value
     */
    public float get(int... coords) {
        return data[index(coords)];
    }

    /**
     * Sets the value at these coordinates, one per dimension.
     *
     * @param value the new value
     * @param coords one coordinate per dimension
     */
    public void set(float value, int... coords) {
        data[index(coords)] = value;
    }

    /**
     * Value at a flat row-major position.
     *
     * @param flat the row-major index
     * @return the value
     */
    public float at(int flat) {
        return data[offset + flat];
    }

    /**
     * Sets the value at a flat (row-major) index.
     *
     * @param flat the row-major index
     * @param value the new value
     */
    public void put(int flat, float value) {
        data[offset + flat] = value;
    }

    /**
     * A view of entry {@code i} of the first axis.
     *
     * @param i the entry
     * @return a view sharing this tensor's values
     */
    public Tensor slice(int i) {
        if (shape.length == 0 || i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("slice " + i + " outside shape " + Arrays.toString(shape));
        }
        int[] inner = Arrays.copyOfRange(shape, 1, shape.length);
        return new Tensor(inner, data, offset + i * sizeOf(inner));
    }

    /**
     * Entries {@code from} (inclusive) to {@code to} (exclusive) of the first axis, as a view.
     *
     * @param from the first entry
     * @param to the entry after the last
     * @return a view sharing this tensor's values
     */
    public Tensor rows(int from, int to) {
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException(
                    "rows " + from + ".." + to + " outside shape " + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, data, offset + from * (size / Math.max(1, shape[0])));
    }

    /**
     * The same values with another shape (a view); one dimension may be -1.
     *
     * @param newShape the dimensions, with as many values in all
     * @return a view sharing this tensor's values
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int unknown = -1;
        int known = 1;
        for (int a = 0; a < s.length; a++) {
            if (s[a] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("only one -1 allowed in " + Arrays.toString(newShape));
                }
                unknown = a;
            } else {
                known *= s[a];
            }
        }
        if (unknown >= 0) {
            s[unknown] = known == 0 ? 0 : size / known;
        }
        if (sizeOf(s) != size) {
            throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(s, data, offset);
    }

    /**
     * A copy of the values in row-major order.
     *
     * @return the values
     */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /**
     * Puts the values in row-major order into {@code target} at its position (one copy, none in between).
     *
     * @param target a buffer with room for every value
     */
    public void writeTo(java.nio.FloatBuffer target) {
        target.put(data, offset, size);
    }

    /**
     * A copy with its own values (views such as {@link #slice} share them).
     *
     * @return the copy
     */
    public Tensor copy() {
        return new Tensor(shape, toArray(), 0);
    }

    /**
     * Overwrites this tensor's values with {@code source}'s (same size).
     *
     * @param source a tensor of as many values
     */
    public void copyFrom(Tensor source) {
        if (source.size != size) {
            throw new IllegalArgumentException("cannot copy " + Arrays.toString(source.shape) + " into "
                    + Arrays.toString(shape));
        }
        System.arraycopy(source.data, source.offset, data, offset, size);
    }

    /**
     * Permutes the axes (a copy): {@code out.shape[i] = shape[perm[i]]}.
     *
     * @param perm a permutation of the axes
     * @return the permuted copy
     */
    public Tensor transpose(int... perm) {
        if (perm.length != shape.length) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " does not fit shape "
                    + Arrays.toString(shape));
        }
        int[] outShape = new int[perm.length];
        int[] srcStride = strides(shape);
        int[] permStride = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            outShape[i] = shape[perm[i]];
            permStride[i] = srcStride[perm[i]];
        }
        float[] out = new float[size];
        int[] coord = new int[perm.length];
        for (int flat = 0; flat < size; flat++) {
            int src = 0;
            for (int i = 0; i < perm.length; i++) {
                src += coord[i] * permStride[i];
            }
            out[flat] = data[offset + src];
            for (int i = perm.length - 1; i >= 0; i--) {
                if (++coord[i] < outShape[i]) {
                    break;
                }
                coord[i] = 0;
            }
        }
        return new Tensor(outShape, out, 0);
    }

    /**
     * Row-major strides of a shape, in elements.
     *
     * @param shape the dimensions
     * @return the step of each axis in the flat order
     */
    public static int[] strides(int[] shape) {
        int[] stride = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        return stride;
    }

    /**
     * The largest value.
     *
     * @return the largest value
     */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, data[offset + i]);
        }
        return m;
    }

    /**
     * The smallest value.
     *
     * @return the smallest value
     */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            m = Math.min(m, data[offset + i]);
        }
        return m;
    }

    /**
     * The flat index of the first NaN or infinite value, or -1 when every value is finite. Blocks are screened by
     * their largest magnitude (NaN and infinities make it non-finite), a loop the JIT vectorises; only a block that
     * fails is searched value by value.
     *
     * @return the index, or -1
     */
    public int firstNonFinite() {
        for (int from = 0; from < size; from += 4096) {
            int to = Math.min(size, from + 4096);
            float largest = 0f;
            for (int i = from; i < to; i++) {
                largest = Math.max(largest, Math.abs(data[offset + i]));
            }
            if (!(largest <= Float.MAX_VALUE)) {
                for (int i = from; i < to; i++) {
                    if (!Float.isFinite(data[offset + i])) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * Index of the largest value (the first one on ties).
     *
     * @return the flat index of the largest value
     */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < size; i++) {
            if (data[offset + i] > data[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Fails with a message naming both shapes when this tensor's shape is not {@code expected}.
     *
     * @param expected the shape it must have
     * @return this tensor
     */
    public Tensor requireShape(int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException("expected shape " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(shape));
        }
        return this;
    }

    /**
     * Largest |this - other| over all entries (shapes must agree).
     *
     * @param other a tensor of the same shape
     * @return the largest absolute difference
     */
    public double maxAbsDiff(Tensor other) {
        other.requireShape(shape);
        double max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, Math.abs((double) at(i) - other.at(i)));
        }
        return max;
    }

    /**
     * Pearson correlation of the entries of this and other (shapes must agree); NaN when either is constant.
     *
     * @param other a tensor of the same shape
     * @return the correlation, in [-1, 1], or NaN
     */
    public double pearson(Tensor other) {
        other.requireShape(shape);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < size; i++) {
            ma += at(i);
            mb += other.at(i);
        }
        ma /= size;
        mb /= size;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < size; i++) {
            double da = at(i) - ma;
            double db = other.at(i) - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
