/** Test data: generated ONNX models, the few real files the tests ship, and the locator of the team's {@code ../shared} reference data. */
package org.cam4j.testdata;
