/**
 * Evaluating maps ({@code cam evaluate}): each method's maps of a batch scored by the metrics of a request
 * ({@link org.cam4j.engine.evaluation.MethodEvaluation}), and the ground-truth object masks the pointing games need,
 * read from mask images or boxes and brought to the model input as the images are, or a segmentation model's own
 * masks.
 */
package org.cam4j.engine.evaluation;
