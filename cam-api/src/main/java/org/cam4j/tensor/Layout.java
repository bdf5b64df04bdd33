package org.cam4j.tensor;

/** Axis order of an image batch. */
public enum Layout {
    /** Channels first: N x C x H x W. */
    NCHW,
    /** Channels last: N x H x W x C. */
    NHWC
}
