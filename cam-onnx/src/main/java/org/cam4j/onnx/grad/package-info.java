/** Every gradient rule, one per ONNX op type, written in ordinary ONNX ops; {@link org.cam4j.onnx.grad.GradientRules} lists them. */
package org.cam4j.onnx.grad;
