package org.cam4j.methods;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-methods's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
