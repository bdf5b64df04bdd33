/**
 * The errors cam4j reports about what it was given, by kind: {@link org.cam4j.errors.InvalidModelException} (a model
 * file that cannot be read or run), {@link org.cam4j.errors.InvalidInputException} (an input, target, option or name
 * that does not fit), {@link org.cam4j.errors.UnsupportedModelException} (a model cam4j cannot explain: an operator
 * without a gradient rule, a layer without a spatial map), {@link org.cam4j.errors.MethodFailedException} (a
 * method's computation that failed, such as NaN activations). All are {@link org.cam4j.errors.CamException}s; a
 * caller catches one kind or all. Failures of cam4j itself stay {@link java.lang.IllegalStateException}s.
 */
package org.cam4j.errors;
