package org.cam4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.cam4j.testdata.PublicComments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public and protected element of cam-spark's main code has a Javadoc comment. */
class PublicCommentsTest {
    @TempDir
    Path classes;

    @Test
    void everyPublicElementHasAComment() {
        assertThat(PublicComments.missing(Path.of("src/main/java"), classes))
                .as("public or protected elements of cam-spark without a Javadoc comment").isEmpty();
    }
}
