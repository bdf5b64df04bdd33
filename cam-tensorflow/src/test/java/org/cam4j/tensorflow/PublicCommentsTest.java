package org.cam4j.tensorflow;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-tensorflow's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
