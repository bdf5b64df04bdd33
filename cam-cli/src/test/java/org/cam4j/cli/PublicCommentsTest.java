package org.cam4j.cli;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-cli's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
