package org.cam4j.onnx;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-onnx's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
