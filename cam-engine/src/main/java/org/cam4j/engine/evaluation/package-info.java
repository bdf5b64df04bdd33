/**
 * What evaluating maps needs beyond the metrics themselves: ground-truth object masks for the pointing games, read
 * from mask images or boxes and brought to the model input as the images are.
 */
package org.cam4j.engine.evaluation;
