package org.cam4j;

import org.cam4j.testdata.PublicCommentsContract;

/** cam-api is what a library user reads first: every public and protected element has a Javadoc comment. */
class PublicApiCommentsTest extends PublicCommentsContract {
}
