package org.cam4j.methods;

import org.cam4j.tensor.Tensor;

/** Element-wise products of equally shaped maps, shared by the methods that weight each position. */
final class Elementwise {
    private Elementwise() {
    }

    /** a * b, or with {@code reluA} max(a, 0) * b. */
    static Tensor product(Tensor a, Tensor b, boolean reluA) {
        a.requireShape(b.shape());
        Tensor out = Tensor.zeros(a.shape());
        for (int i = 0; i < out.size(); i++) {
            float x = reluA ? Math.max(a.at(i), 0f) : a.at(i);
            out.put(i, x * b.at(i));
        }
        return out;
    }

    /** |a| * b. */
    static Tensor absProduct(Tensor a, Tensor b) {
        a.requireShape(b.shape());
        Tensor out = Tensor.zeros(a.shape());
        for (int i = 0; i < out.size(); i++) {
            out.put(i, Math.abs(a.at(i)) * b.at(i));
        }
        return out;
    }

    /** max(x, 0) as a copy. */
    static Tensor relu(Tensor x) {
        Tensor out = x.copy();
        for (int i = 0; i < out.size(); i++) {
            out.put(i, Math.max(out.at(i), 0f));
        }
        return out;
    }

    /** Sum over h x w per image and channel: N x C x h x w to N x C, in double. */
    static Tensor spatialSum(Tensor x) {
        int nc = x.dim(0) * x.dim(1);
        int hw = x.size() / nc;
        Tensor out = Tensor.zeros(x.dim(0), x.dim(1));
        for (int i = 0; i < nc; i++) {
            double s = 0;
            for (int p = 0; p < hw; p++) {
                s += x.at(i * hw + p);
            }
            out.put(i, (float) s);
        }
        return out;
    }
}
