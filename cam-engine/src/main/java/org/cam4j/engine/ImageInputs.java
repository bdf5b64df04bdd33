package org.cam4j.engine;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.image.ImageFiles;

/** Expands image arguments: files, folders (their images, sorted) and globs ({@code photos/*.jpg}). */
public final class ImageInputs {
    private ImageInputs() {
    }

    /**
     * The image files the specs name (relative ones against {@code base}), in order; a missing file is refused, and
     * so are specs that name no image at all.
     */
    public static List<Path> expand(List<String> specs, Path base) {
        List<Path> out = new ArrayList<>();
        for (String spec : specs) {
            Path p = base.resolve(spec);
            if (spec.contains("*") || spec.contains("?") || spec.contains("[")) {
                out.addAll(glob(base, spec));
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new RequestException("cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new RequestException("image " + p + " does not exist");
            }
        }
        if (out.isEmpty()) {
            throw new RequestException("no images found in " + specs + " (supported: "
                    + String.join(", ", ImageFiles.EXTENSIONS) + ")");
        }
        return out;
    }

    private static List<Path> glob(Path base, String pattern) {
        int cut = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                break;
            }
            if (c == '/') {
                cut = i + 1;
            }
        }
        Path root = base.resolve(pattern.substring(0, cut));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(cut));
        if (!Files.isDirectory(root)) {
            throw new RequestException("folder " + root + " of pattern '" + pattern + "' does not exist");
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> matcher.matches(root.relativize(f)))
                    .filter(ImageFiles::isImage).sorted().toList();
        } catch (IOException e) {
            throw new RequestException("cannot search " + root + ": " + e.getMessage());
        }
    }
}
