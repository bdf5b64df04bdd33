package org.cam4j.model;

/**
 * A candidate target layer: the tensor's name, the op that makes it, its shape where known, and whether it is a
 * spatial map (N x C x h x w) or a token sequence that needs folding.
 */
public record LayerInfo(String name, String opType, String nodeName, long[] shape, Kind kind, boolean suggested) {
    /** What shape of tensor a layer is, as methods can use it. */
    public enum Kind {
        /** A map, N x C x h x w with h and w above 1. */
        SPATIAL,
        /** A token sequence, N x T x C. */
        TOKENS,
        /** Anything else (vectors, 1 x 1 maps). */
        OTHER
    }
}
