/** Graph machinery: indexing a model, resolving layer names, static tensor facts, emitting nodes, and the reverse-mode {@link org.cam4j.onnx.autodiff.GradientGraphBuilder}. */
package org.cam4j.onnx.graph;
