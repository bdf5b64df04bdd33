package org.cam4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cam-api is what a library user reads first: every public and protected element of its main code has a Javadoc
 * comment. javac's doclint says which lack one ({@code -Xdoclint:missing/protected}, "no comment"); the build's own
 * compile already fails on broken comments ({@code -Xdoclint:all/protected,-missing}).
 */
class PublicApiCommentsTest {
    @TempDir
    Path out;

    @Test
    void everyPublicElementHasAComment() throws IOException {
        List<Path> sources;
        try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).as("cam-api's sources, from the module's folder").isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, null)) {
            boolean compiled = javac.getTask(null, files, diagnostics, List.of("-proc:none", "-Xmaxwarns", "10000",
                    "-Xdoclint:missing/protected", "-classpath", System.getProperty("java.class.path"), "-d",
                    out.toString()), null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(compiled).as(diagnostics.getDiagnostics().toString()).isTrue();
        }
        List<String> uncommented = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getMessage(Locale.ROOT).contains("no comment")) {
                uncommented.add(Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber());
            }
        }
        assertThat(uncommented).as("public or protected elements of cam-api without a Javadoc comment").isEmpty();
    }
}
