/**
 * The TensorFlow backend: SavedModels (TF2/Keras and TF1) and frozen GraphDefs, with the serving signature's function
 * calls inlined ({@link org.cam4j.tensorflow.FunctionInliner}) so that Keras layers become fetchable tensors, and
 * gradients from TensorFlow's own {@code Graph.addGradients}.
 */
package org.cam4j.tensorflow;
