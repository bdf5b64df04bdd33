package org.cam4j.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The public and protected elements of a module's main code that have no Javadoc comment, as javac's doclint finds
 * them ({@code -Xdoclint:missing/protected}, "no comment"), for the tests that keep every library module documented.
 * The build's own compile already fails on broken comments ({@code -Xdoclint:all/protected,-missing}).
 */
public final class PublicComments {
    private PublicComments() {
    }

    /**
     * {@code File.java:line} of every uncommented element under {@code sources} (a module's {@code src/main/java}),
     * compiled into {@code classes} against the test's class path.
     */
    public static List<String> missing(Path sources, Path classes) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no sources under " + sources.toAbsolutePath());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, Locale.ROOT, null)) {
            boolean compiled = javac.getTask(null, fileManager, diagnostics, List.of("-proc:none", "-Xmaxwarns",
                    "10000", "-Xdoclint:missing/protected", "-classpath", System.getProperty("java.class.path"), "-d",
                    classes.toString()), null, fileManager.getJavaFileObjectsFromPaths(files)).call();
            if (!compiled) {
                throw new IllegalStateException("the sources do not compile: " + diagnostics.getDiagnostics());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> uncommented = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getMessage(Locale.ROOT).contains("no comment")) {
                uncommented.add(Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber());
            }
        }
        return uncommented;
    }
}
