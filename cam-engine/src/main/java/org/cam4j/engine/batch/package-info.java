/**
 * Batch runs from a YAML: the run's job, one worker per model over a store, records and resume, the report; in this
 * process ({@link org.cam4j.engine.batch.LocalBatch}) or on a cluster ({@link org.cam4j.engine.batch.ClusterBatchRunner}).
 */
package org.cam4j.engine.batch;
