/** Graph machinery: indexing a model, resolving layer names, static tensor facts, emitting nodes, used by the graph builders of {@link org.cam4j.onnx.autodiff}. */
package org.cam4j.onnx.graph;
