/**
 * Object detectors: output layouts ({@link org.cam4j.detection.DetectionLayout}), post-processing with hard NMS,
 * box geometry between photo and model input, and per-box CAM renormalisation. The detection targets live with
 * the other targets in {@link org.cam4j.targets}.
 */
package org.cam4j.detection;
