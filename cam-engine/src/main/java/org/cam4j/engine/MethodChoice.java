package org.cam4j.engine;

import org.cam4j.spi.CamMethod;
import org.cam4j.spi.CamOptions;

/** A method of a run with its options, checked before any model opens. */
public record MethodChoice(CamMethod method, CamOptions options) {
}
