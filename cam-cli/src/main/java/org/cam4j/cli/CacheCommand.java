package org.cam4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cam4j.model.CacheFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code cam cache}: where the cache of opened models lives and how large it is; {@code cam cache clear} empties it. */
@Command(name = "cache", mixinStandardHelpOptions = true, subcommands = CacheCommand.Clear.class,
        description = {"Show the cache of what opening a model costs (shape facts of probe runs): its folder and size.",
            "The folder: -Dcam4j.cache or CAM4J_CACHE (a folder, or off), else $XDG_CACHE_HOME/cam4j, else"
                + " ~/.cache/cam4j; --no-cache runs without it."})
final class CacheCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<Path> folder = CacheFolder.location();
        if (folder.isEmpty()) {
            spec.commandLine().getOut().println("the cache is off");
            return 0;
        }
        long bytes = 0;
        long files = 0;
        if (Files.isDirectory(folder.get())) {
            try (Stream<Path> all = Files.walk(folder.get())) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    bytes += Files.size(p);
                    files++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cache folder " + folder.get() + ": " + e.getMessage(),
                        e);
            }
        }
        spec.commandLine().getOut().printf("%s: %d file(s), %.1f MB%n", folder.get(), files, bytes / 1e6);
        return 0;
    }

    /** {@code cam cache clear}. */
    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Delete the cache folder's contents.")
    static final class Clear implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                long freed = CacheFolder.clear();
                spec.commandLine().getOut().printf("cleared %s (%.1f MB)%n",
                        CacheFolder.location().map(Path::toString).orElse("nothing: the cache is off"), freed / 1e6);
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear the cache folder: " + e.getMessage(), e);
            }
        }
    }
}
