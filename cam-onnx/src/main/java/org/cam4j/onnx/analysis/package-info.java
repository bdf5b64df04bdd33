/**
 * What a model graph computes from what: reachability towards the output, candidate target layers, detector head
 * levels, whether a head is piecewise linear. Read-only analyses that the graph builders in
 * {@link org.cam4j.onnx.autodiff} follow.
 */
package org.cam4j.onnx.analysis;
