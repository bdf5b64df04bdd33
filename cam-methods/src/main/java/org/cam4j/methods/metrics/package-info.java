/**
 * The metrics of the reference's {@code pytorch_grad_cam.metrics}, one class each: confidence change with the
 * CAM-multiplied image, ROAD with the noisy linear imputer, Complexity, Coherency and ARCC.
 */
package org.cam4j.methods.metrics;
