package org.cam4j.spark;

import org.cam4j.testdata.PublicCommentsContract;

/** Every public and protected element of cam-spark's main code has a Javadoc comment. */
class PublicCommentsTest extends PublicCommentsContract {
}
