package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.cam4j.timing.Timings;
import picocli.CommandLine.Option;

/**
 * The {@code cam} command.
 *
 * <p>Exit codes: 0 success; 1 finished, but some inputs failed (a batch run's bad images); 2 bad input or usage
 * (missing file, unknown method or layer, wrong format, conflicting options); 3 an internal error.
 */
@Command(name = "cam", mixinStandardHelpOptions = true, versionProvider = CamCli.Version.class,
        description = "Class Activation Maps (Grad-CAM and family) for ONNX image models.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:finished, but some inputs failed", "2:bad input or usage",
                "3:internal error"})
public final class CamCli implements Runnable {
    /** Exit code: the run finished, but some inputs failed (each named on stderr). */
    public static final int PARTIAL_FAILURE = 1;
    /** Exit code: bad input or usage, told in one line on stderr; nothing was written. */
    public static final int BAD_INPUT = 2;
    /** Exit code: an internal error (a bug; {@code --verbose} shows its stack trace). */
    public static final int INTERNAL = 3;

    /** The subcommands, in the order {@code cam --help} lists them. */
    static final List<Class<?>> COMMANDS = List.of(ExplainCommand.class, DetectCommand.class, SegmentCommand.class,
            BatchCommand.class, MethodsCommand.class, BackendsCommand.class, LayersCommand.class, ExportCommand.class,
            ProbeCommand.class, BenchCommand.class, DffCommand.class, EvaluateCommand.class, MetricsCommand.class,
            ServeCommand.class, CacheCommand.class, CompletionCommand.class, PluginsCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors,"
            + " and what the run chose and why (layers, preprocessing, cache).")
    boolean verbose;

    @Option(names = "--timings", scope = CommandLine.ScopeType.INHERIT, description = "Print where the time went, by"
            + " phase, to stderr at the end (phases may contain others: probing creates and runs sessions).")
    boolean timings;

    @Option(names = "--no-cache", scope = CommandLine.ScopeType.INHERIT, description = "Neither read nor write the"
            + " cache of opened models (see 'cam cache').")
    boolean noCache;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The {@code cam} command: runs it with the process's stdout and stderr and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        org.cam4j.timing.Timings.Phase setUp = org.cam4j.timing.Timings.phase("set up the command line and plugins");
        List<String> words = java.util.Arrays.asList(args);
        CommandLine cli = new CommandLine(new CamCli());
        // picocli reads every command's annotations when it is added (about 0.2 s for all of them at start-up): a run
        // of one command adds that one; help, completion and anything unknown (for "did you mean") add them all
        commandsFor(args).forEach(cli::addSubcommand);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.matchedOptionValue("--verbose", false)
                    || words.contains("--verbose");
            Throwable cause = e;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            // every CamException (bad model, bad input, unsupported model, failed method) is an
            // IllegalArgumentException
            boolean user = cause instanceof IllegalArgumentException || cause instanceof java.io.UncheckedIOException
                    || cause instanceof UnsupportedOperationException;
            String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
            if (cause instanceof org.cam4j.errors.CamException c) {
                message = withFlag(message, c.field().orElse(null));
            }
            commandLine.getErr().println("cam: error: " + message);
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            } else if (!user) {
                commandLine.getErr().println("cam: (an internal error; rerun with --verbose for the stack trace)");
            }
            return user ? BAD_INPUT : INTERNAL;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            // picocli's "did you mean" for a mistyped option or command, on the same line
            java.util.List<String> suggestions = e instanceof CommandLine.UnmatchedArgumentException u
                    ? u.getSuggestions() : java.util.List.of();
            e.getCommandLine().getErr().println("cam: error: " + e.getMessage().lines().findFirst().orElse("")
                    + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ",
                    suggestions.subList(0, Math.min(3, suggestions.size()))) + "?")
                    + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(Plugins.loader(previous, err));
        } catch (RequestException e) {
            err.println("cam: error: " + e.getMessage());
            return BAD_INPUT;
        }
        java.util.logging.Handler log = commandLineLog(err, words.contains("--verbose"));
        String cache = System.getProperty(org.cam4j.model.CacheFolder.PROPERTY);
        if (words.contains("--no-cache")) {
            System.setProperty(org.cam4j.model.CacheFolder.PROPERTY, "off");
        }
        setUp.close();
        try {
            return cli.execute(args);
        } catch (LinkageError e) {
            // picocli passes Errors on: a plugin whose folder lacks a jar it needs fails here, as it links
            err.println("cam: error: " + org.cam4j.plugin.PluginLinkage.describe(e));
            if (words.contains("--verbose")) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        } finally {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.cam4j");
            logger.removeHandler(log);
            logger.setUseParentHandlers(true);
            if (cache == null) {
                System.clearProperty(org.cam4j.model.CacheFolder.PROPERTY);
            } else {
                System.setProperty(org.cam4j.model.CacheFolder.PROPERTY, cache);
            }
            thread.setContextClassLoader(previous);
            if (words.contains("--timings")) {
                printTimings(err);
            }
        }
    }

    /**
     * cam4j's warnings go to stderr as one {@code cam: warning: ...} line each; with --verbose its DEBUG records too
     * (the layers, preprocessing and cache a run chose, and why) as {@code cam: debug: ...} lines. A library leaves
     * them to the application's logging.
     */
    private static java.util.logging.Handler commandLineLog(PrintWriter err, boolean verbose) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.cam4j");
        logger.setLevel(verbose ? java.util.logging.Level.FINE : java.util.logging.Level.INFO);
        logger.setUseParentHandlers(false);
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (isLoggable(record)) {
                    boolean warning = record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue();
                    err.println((warning ? "cam: warning: " : "cam: debug: ")
                            + new java.util.logging.SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(verbose ? java.util.logging.Level.FINE : java.util.logging.Level.WARNING);
        logger.addHandler(handler);
        return handler;
    }

    /** The phases of this process, after the JVM's own start (to main) and the total. */
    private static void printTimings(PrintWriter err) {
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        err.println("cam: timings (wall time per phase, summed over threads)");
        err.println(String.format(java.util.Locale.ROOT, "%8.3f s            JVM start to main", (MAIN_STARTED
                - started) / 1e3));
        Timings.report().forEach(l -> err.println(l));
        err.println(String.format(java.util.Locale.ROOT, "%8.3f s            total since the JVM started",
                (System.currentTimeMillis() - started) / 1e3));
    }

    /** When main began, for the JVM start-up share of --timings. */
    private static final long MAIN_STARTED = System.currentTimeMillis();

    /** The subcommands a command line needs: the one it names, else all of them. */
    static List<Class<?>> commandsFor(String[] args) {
        String word = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        for (Class<?> c : COMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(word) && c != CompletionCommand.class) {
                return List.of(c);
            }
        }
        return COMMANDS;
    }

    /**
     * A library message about an option ({@code field}, snake case, or null) with the command line's flag for it
     * added: the library speaks of {@code max_pixels}, the command line adds {@code (--max-pixels)}.
     */
    static String withFlag(String message, String field) {
        if (field == null) {
            return message;
        }
        String flag = org.cam4j.engine.FieldNames.CLI.of(field);
        return message.contains(flag) ? message : message + " (" + flag + ")";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CamCli.class.getPackage().getImplementationVersion();
            java.util.List<String> lines = new java.util.ArrayList<>();
            lines.add("cam4j " + (v == null ? "0.1.0-SNAPSHOT" : v));
            lines.add("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
            // each backend with its runtime, plugins included (the plugin loader is the context class loader)
            for (org.cam4j.spi.ModelBackend b : org.cam4j.spi.Backends.registry().all()) {
                String runtime;
                try {
                    runtime = b.runtime();
                } catch (RuntimeException | LinkageError e) {
                    runtime = "its runtime cannot load here: " + String.valueOf(e.getMessage()).lines().findFirst()
                            .orElse(e.getClass().getSimpleName());
                }
                lines.add("backend " + b.name() + (runtime.isEmpty() ? "" : ": " + runtime));
            }
            return lines.toArray(new String[0]);
        }
    }
}
