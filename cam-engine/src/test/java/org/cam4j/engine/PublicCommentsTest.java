package org.cam4j.engine;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-engine's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
