package org.cam4j.model;

/**
 * A candidate target layer: the tensor's name, the op that makes it, its shape where known, and whether it is a
 * spatial map (N x C x h x w) or a token sequence that needs folding.
 */
public record LayerInfo(String name, String opType, String nodeName, long[] shape, Kind kind, boolean suggested) {
    public enum Kind {
        SPATIAL, TOKENS, OTHER
    }
}
