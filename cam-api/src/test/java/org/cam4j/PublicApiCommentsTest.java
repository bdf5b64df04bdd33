package org.cam4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.cam4j.testdata.PublicComments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cam-api is what a library user reads first: every public and protected element has a Javadoc comment. */
class PublicApiCommentsTest {
    @TempDir
    Path classes;

    @Test
    void everyPublicElementHasAComment() {
        assertThat(PublicComments.missing(Path.of("src/main/java"), classes))
                .as("public or protected elements of cam-api without a Javadoc comment").isEmpty();
    }
}
