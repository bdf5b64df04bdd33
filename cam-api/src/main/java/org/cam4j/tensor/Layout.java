package org.cam4j.tensor;

/** Axis order of an image batch. */
public enum Layout {
    NCHW, NHWC
}
