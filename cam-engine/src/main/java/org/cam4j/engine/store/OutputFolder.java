package org.cam4j.engine.store;

import org.cam4j.engine.RequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The folder a command writes into, and the only way commands name files in it: every output path is resolved
 * inside it, checked to stay inside after normalisation, and its folders are created without following symbolic
 * links, so nothing a label, an image name or a link planted in the folder says can make cam write elsewhere.
 */
public final class OutputFolder {
    private static final int MAX_NAME = 120;

    /** A first path element like {@code hdfs:} or {@code s3a:}: what a URI written as a path starts with. */
    private static final java.util.regex.Pattern URI_SCHEME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

    private final Path root;

    private OutputFolder(Path root) {
        this.root = root;
    }

    /** Creates the folder (and its parents) when missing; the folder itself may be a link the user chose. */
    public static OutputFolder create(Path dir, String option) {
        if (!dir.isAbsolute() && dir.getNameCount() > 0 && URI_SCHEME.matcher(dir.getName(0).toString()).matches()) {
            // Path.of("hdfs://host/out") is the local folder hdfs:/host/out: a URI must never become one
            refuseUri(dir.toString().replaceFirst(":/", "://"), option);
        }
        Path normal = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(normal);
            Path real = normal.toRealPath();
            if (!Files.isWritable(real)) {
                throw new RequestException("output folder " + dir + " is not writable; choose another with " + option);
            }
            return new OutputFolder(real);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            throw new RequestException("cannot create output folder " + dir + " (" + why + "); choose another with "
                    + option);
        }
    }

    /** Refuses an output given as text (a YAML's {@code output}) when it is a URI of another file system. */
    public static void refuseUri(String given, String option) {
        int colon = given.indexOf(':');
        if (colon > 0 && URI_SCHEME.matcher(given.substring(0, colon + 1)).matches() && !given.startsWith("file:")) {
            throw new RequestException(option + " " + given + " is a URI; this run writes to a local folder (other"
                    + " file systems take a batch YAML run with --spark)");
        }
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    /**
     * The file at {@code relative} ('/'-separated, each part already a {@link #safeName}) inside the folder, its
     * parent folders created; refuses a path that would leave the folder or pass through a symbolic link.
     */
    public Path file(String relative) {
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new RequestException("output name '" + relative + "' leaves the output folder " + root);
        }
        Path folder = root;
        for (Path part : root.relativize(file.getParent() == null ? root : file.getParent())) {
            if (part.toString().isEmpty()) {
                continue;
            }
            folder = folder.resolve(part);
            if (Files.isSymbolicLink(folder)) {
                throw new RequestException("output folder " + root + " holds a symbolic link " + root.relativize(folder)
                        + "; cam writes nothing outside the output folder: remove the link or choose another folder");
            }
            try {
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(folder);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another writer thread made it first: fine if it is a folder (a link is refused below)
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    throw new RequestException("cannot create " + folder + " (a file of that name exists)");
                }
            } catch (IOException e) {
                throw new RequestException("cannot create " + folder + " (" + e.getMessage() + ")");
            }
        }
        if (Files.isSymbolicLink(file)) {
            throw new RequestException("output " + file + " is a symbolic link; cam writes nothing outside the output"
                    + " folder: remove the link or choose another folder");
        }
        return file;
    }

    /**
     * One path component from a user-derived string (a label, an image stem, a model name): letters and digits of
     * any script, '.', '_', '+' and '-' are kept, anything else (separators, spaces, controls) becomes '_'; never
     * empty, never hidden, never '.' or '..', at most 120 characters.
     */
    public static String safeName(String name) {
        StringBuilder s = new StringBuilder();
        name.codePoints().forEach(c -> {
            boolean keep = Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '+' || c == '-';
            s.appendCodePoint(keep ? c : '_');
        });
        String out = s.length() == 0 ? "_" : s.toString();
        if (out.startsWith(".")) {
            out = "_" + out;
        }
        if (out.codePointCount(0, out.length()) > MAX_NAME) {
            out = out.substring(0, out.offsetByCodePoints(0, MAX_NAME));
        }
        return out;
    }
}
