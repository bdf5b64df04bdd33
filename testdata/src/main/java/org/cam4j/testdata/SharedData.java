package org.cam4j.testdata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The team's reference data ({@code ../shared} beside the checkout: parity outputs of pytorch-grad-cam and real
 * pretrained fixtures). Users outside the team do not have it, so tests that read it skip when
 * {@link #root()} is empty. {@code CAM4J_SHARED} points elsewhere.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Optional<Path> root() {
        String env = System.getenv("CAM4J_SHARED");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isDirectory(p.resolve("parity")) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (dir.getParent() != null && Files.isRegularFile(candidate.resolve("parity/manifest.json"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code ../shared/parity}, when present. */
    public static Optional<Path> parity() {
        return root().map(r -> r.resolve("parity"));
    }

    /** {@code ../shared/fixtures}, when present. */
    public static Optional<Path> fixtures() {
        return root().map(r -> r.resolve("fixtures"));
    }
}
