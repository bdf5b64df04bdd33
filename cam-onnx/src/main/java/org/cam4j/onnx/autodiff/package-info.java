/**
 * The graphs cam4j builds from a model: the gradient-augmented graph (reverse-mode autodiff with the rules of
 * {@link org.cam4j.onnx.grad}), second-order graphs, the prefix and head cuts, and in-graph input masks.
 */
package org.cam4j.onnx.autodiff;
