package org.cam4j.tensorflow;

import org.cam4j.tensor.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Our float tensors to TensorFlow's and back, row-major both ways; NHWC layer tensors to NCHW and back. */
final class TfTensors {
    private TfTensors() {
    }

    static TFloat32 of(Tensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(t.toArray(), true, false));
    }

    static Tensor from(org.tensorflow.Tensor value) {
        if (!(value instanceof TFloat32 f)) {
            throw new IllegalStateException("expected a float tensor, got " + value.dataType());
        }
        long[] s = f.shape().asArray();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        float[] data = new float[(int) f.size()];
        f.copyTo(DataBuffers.of(data, false, false));
        return Tensor.of(data, shape);
    }

    /** N x h x w x C to N x C x h x w. */
    static Tensor toNchw(Tensor nhwc) {
        return nhwc.transpose(0, 3, 1, 2);
    }

    /** N x C x h x w to N x h x w x C. */
    static Tensor toNhwc(Tensor nchw) {
        return nchw.transpose(0, 2, 3, 1);
    }
}
