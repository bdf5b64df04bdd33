package org.cam4j.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public and protected element of a module's main code has a Javadoc comment ({@link PublicComments}): a
 * module's {@code PublicCommentsTest} extends this, and runs from the module's folder as Maven runs tests.
 */
public abstract class PublicCommentsContract {
    /** Where the module's sources are compiled for the check. */
    @TempDir
    protected Path classes;

    /** Fails naming each uncommented element, {@code File.java:line}. */
    @Test
    void everyPublicElementHasAComment() {
        Path module = Path.of("").toAbsolutePath();
        assertThat(PublicComments.missing(module.resolve("src/main/java"), classes))
                .as("public or protected elements of %s without a Javadoc comment", module.getFileName()).isEmpty();
    }
}
