/** The ONNX backend: {@link org.cam4j.onnx.OnnxBackend} opens models as {@link org.cam4j.onnx.OnnxModel}s, which build gradient-augmented, head, prefix and masked variants of the graph and run them on ONNX Runtime. */
package org.cam4j.onnx;
