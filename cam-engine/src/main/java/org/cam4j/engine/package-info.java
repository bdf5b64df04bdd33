/**
 * The application core behind every door (CLI, batch YAML, Spark, HTTP): how a model is opened (its settings,
 * labels, preprocessing, layers, detector outputs), how images are explained and detected, the limits and the
 * one-line {@link org.cam4j.engine.RequestException} every door reports. Output stores are in
 * {@link org.cam4j.engine.store}, batch runs in {@link org.cam4j.engine.batch}. No door's code is used here.
 */
package org.cam4j.engine;
