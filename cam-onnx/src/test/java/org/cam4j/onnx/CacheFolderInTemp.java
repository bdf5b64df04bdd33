package org.cam4j.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cam4j.model.CacheFolder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Points cam4j's cache folder at a new temporary folder for each test, and puts the property back after it. */
final class CacheFolderInTemp implements BeforeEachCallback, AfterEachCallback {
    private String before;
    private Path folder;

    /** The test's cache folder (not created until something is cached). */
    Path folder() {
        return folder;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        before = System.getProperty(CacheFolder.PROPERTY);
        folder = Files.createTempDirectory("cam4j-cache-test").resolve("cache");
        System.setProperty(CacheFolder.PROPERTY, folder.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (before == null) {
            System.clearProperty(CacheFolder.PROPERTY);
        } else {
            System.setProperty(CacheFolder.PROPERTY, before);
        }
        try (var all = Files.walk(folder.getParent())) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
