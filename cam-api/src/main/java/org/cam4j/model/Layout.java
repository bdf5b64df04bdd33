package org.cam4j.model;

/** Axis order of an image batch. */
public enum Layout {
    NCHW, NHWC
}
