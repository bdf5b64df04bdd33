/**
 * The CAM arithmetic of the reference library on plain tensors: ReLU, min-max scaling, weighted channel sums, layer
 * means, softmax and the first principal component. Below targets and the pipeline, which both use it.
 */
package org.cam4j.math;
