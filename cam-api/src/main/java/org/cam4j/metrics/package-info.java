/**
 * What every CAM metric needs: the batch, its maps and targets, the model to run perturbed inputs through, and
 * the ROAD imputer. The metrics themselves are plugins ({@link org.cam4j.metrics.CamMetric}).
 */
package org.cam4j.metrics;
