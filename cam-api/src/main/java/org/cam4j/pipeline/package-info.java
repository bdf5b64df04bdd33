/** The CAM pipeline of the reference library: {@link org.cam4j.pipeline.Cam} runs a method per layer, then ReLU, scaling, OpenCV-exact resizing, the mean over layers, and the smoothing options. */
package org.cam4j.pipeline;
