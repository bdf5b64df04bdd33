/**
 * The ONNX backend: {@link org.cam4j.onnx.OnnxBackend} opens models as {@link org.cam4j.onnx.OnnxModel}s, which build
 * gradient-augmented, prefix, masked and export variants of the graph ({@link org.cam4j.onnx.graph}) and run them on
 * ONNX Runtime through {@link org.cam4j.onnx.OnnxSessions} (one cached session per variant, facts probed once);
 * {@link org.cam4j.onnx.HeadRunner} runs the network's head from a target layer, {@link org.cam4j.onnx.BackwardSeeds}
 * starts backward passes, and {@link org.cam4j.onnx.ModelRequirements} says what a model must be to be explained.
 */
package org.cam4j.onnx;
