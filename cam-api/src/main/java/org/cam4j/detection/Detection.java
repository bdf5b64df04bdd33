package org.cam4j.detection;

/**
 * One detected object: the anchor (output row) it comes from, its class, its confidence and its box as corners
 * in the model output's own units (see {@link DetectionLayout#toInputPixels}).
 */
public record Detection(int anchor, int label, double score, double[] box) {
}
