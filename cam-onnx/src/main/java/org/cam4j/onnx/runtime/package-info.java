/** ONNX Runtime sessions (CPU or CUDA) and the probe run that learns intermediate shapes. */
package org.cam4j.onnx.runtime;
