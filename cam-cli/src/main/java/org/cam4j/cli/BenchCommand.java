package org.cam4j.cli;

import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.Labels;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.OutputFormats;
import org.cam4j.engine.store.OverlayFormat;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cam4j.image.Preprocessing;
import org.cam4j.pipeline.CamResult;
import org.cam4j.pipeline.ImagePipeline;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.cam4j.image.ImageFiles;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam bench}: wall-clock time of each method on one batch, next to one plain inference of the same batch,
 * after warm-up runs; the median of the timed repeats. Methods that need neither gradients nor the output run only
 * the network up to the target layers: for them the time of that prefix alone is shown too, the floor they can reach.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time CAM methods against plain inference of the unmodified model (the floor) on one batch,",
            "or end to end over a folder of photos (--images): median and minimum of --iterations runs after warm-up."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithLayout();

    @Option(names = "--input", paramLabel = "BATCH.npy", description = "Input batch (default: the bundled photo).")
    Path input;

    @Option(names = "--method", arity = "1..*", defaultValue = "GradCAM,EigenCAM,ScoreCAM,AblationCAM", split = ",",
            paramLabel = "NAME", description = "Methods to time. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER", description = "Target layers.")
    List<String> layers;

    @Option(names = "--batch-size", defaultValue = "auto", paramLabel = "K|auto",
            description = "Perturbed inputs per run (ScoreCAM, AblationCAM). Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N",
            description = "Replicate the input to N images. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = {"--iterations", "--repeat"}, defaultValue = "5", paramLabel = "K",
            description = "Timed runs per method (the median and minimum are reported). Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "N|auto", description = {"Untimed runs first:"
            + " N, or auto (default): at least 2 and until " + AUTO_WARMUP_SECONDS + " s have passed (at most "
            + AUTO_WARMUP_MAX_RUNS + "),", "so the JIT compiler has finished with the host code before timing starts."})
    String warmup;

    static final int AUTO_WARMUP_SECONDS = 5;
    static final int AUTO_WARMUP_MAX_RUNS = 50;

    @Option(names = "--images", paramLabel = "DIR|GLOB", description = {"Time the end-to-end run instead: decode,"
            + " preprocess, explain and write an overlay per image (as 'cam explain --image DIR' does),",
        "into a temporary folder removed afterwards."})
    String images;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png|jpg",
            completionCandidates = OverlayArgs.Formats.class,
            description = "Overlay format of the end-to-end run. Default: ${DEFAULT-VALUE}.")
    String format;

    /** {@code --format}, read by the rule of every door's formats. */
    private OverlayFormat overlayFormat;

    @Option(names = "--json", description = {"Print JSON: per method median_s, min_s, images_per_s, floor_median_s,",
        "and for methods that run only the network up to the target layers (EigenCAM), prefix_median_s."})
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (iterations < 1) {
            throw new RequestException("--repeat must be >= 1");
        }
        warmupRuns = parseWarmup();
        overlayFormat = OutputFormats.overlay(format, "--format");
        Limits.range(batch, 1, Limits.MAX_BATCH_SIZE, "--batch");
        int perturbationBatch = Limits.batchSize(batchSize, "--batch-size");
        List<CamMethod> chosen = Methods.distinct(methods);
        List<Path> files = images == null ? null : ImageInputs.expand(List.of(images), Path.of(""));
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode rows = Yaml.json().createArrayNode();
        List<Cam> cams = new ArrayList<>();
        Path tmp = files == null ? null : Files.createTempDirectory("cam4j-bench");
        ModelSetup setup = modelArgs.setup(preprocessingArgs.request(), null, layers);
        try (ExplainableModel model = setup.open()) {
            Preprocessing pre = setup.preprocessing(model);
            Tensor x = replicate(input != null ? Npy.read(input)
                    : pre.batch(List.of(ImageFiles.read(DefaultModel.image()))), batch);
            List<String> targetLayers = setup.layers(model);
            boolean withPrefix = files == null && chosen.stream().anyMatch(m -> m.needs().isEmpty());
            AtomicInteger explained = new AtomicInteger();
            List<Runnable> runs = new ArrayList<>();
            runs.add(() -> model.predict(x));
            if (withPrefix) {
                runs.add(() -> model.activations(x, targetLayers));
            }
            for (CamMethod method : chosen) {
                CamOptions options = CamOptions.defaults().withBatchSize(perturbationBatch);
                if (files == null) {
                    Cam cam = new Cam(model, method, targetLayers, options);
                    cams.add(cam);
                    runs.add(() -> cam.compute(x, Targets.topClass(x.dim(0))));
                } else {
                    Path folder = Files.createDirectory(tmp.resolve(String.valueOf(runs.size())));
                    runs.add(endToEnd(model, pre, targetLayers, method, options, files, folder, explained));
                }
            }
            List<Timing> timings = timeInTurns(runs);
            Timing floor = timings.get(0);
            Timing prefix = withPrefix ? timings.get(1) : null;
            // end to end, images that cannot be read are not counted as explained
            int n = files == null ? x.dim(0) : explained.get();
            if (!json) {
                out.printf("%-20s %9s %9s %10s %8s   (%s, batch %s)%n", "method", "median_s", "min_s", "images/s",
                        "x floor", files == null ? "one batch" : "end to end, " + n + " images"
                        + (n < files.size() ? " (" + (files.size() - n) + " unreadable, left out)" : ""),
                        Arrays.toString(x.shape()));
                printRow(out, "inference (floor)", floor, x.dim(0), floor);
                if (prefix != null) {
                    printRow(out, "prefix to layers", prefix, x.dim(0), floor);
                }
            }
            for (int m = 0; m < chosen.size(); m++) {
                CamMethod method = chosen.get(m);
                Timing t = timings.get(timings.size() - chosen.size() + m);
                ObjectNode row = rows.addObject().put("method", method.name())
                        .put("median_s", t.median()).put("min_s", t.min()).put("images_per_s", n / t.median())
                        .put("floor_median_s", floor.median()).put("batch", x.dim(0)).put("images", n)
                        .put("end_to_end", files != null);
                if (prefix != null && method.needs().isEmpty()) {
                    row.put("prefix_median_s", prefix.median());
                }
                if (!json) {
                    printRow(out, method.name(), t, n, floor);
                }
            }
        } finally {
            for (Cam cam : cams) {
                cam.close();
            }
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
        if (json) {
            out.println(rows.toPrettyString());
        }
        return 0;
    }

    private static void printRow(PrintWriter out, String name, Timing t, int images, Timing floor) {
        out.printf("%-20s %9.4f %9.4f %10.1f %8.2f%n", name, t.median(), t.min(), images / t.median(),
                t.median() / floor.median());
    }

    /**
     * One end-to-end run of a method over the files, as 'cam explain' runs it, writing into {@code folder}; sets
     * {@code explained} to the number of images it could read.
     */
    private Runnable endToEnd(ExplainableModel model, Preprocessing pre, List<String> layers, CamMethod method,
                              CamOptions options, List<Path> files, Path folder,
                              AtomicInteger explained) {
        ImageExplainer explainer = new ImageExplainer(model, pre, Labels.none(), layers, 0.5f);
        OutputFolder out = OutputFolder.create(folder, "--images");
        Map<Path, String> names = OutputNames.assign(files);
        return () -> {
            AtomicInteger read = new AtomicInteger();
            List<Target> topClass = List.of(Targets.topClass());
            try (ImagePipeline pipeline = explainer.pipeline(ImageFiles.DEFAULT_MAX_PIXELS)) {
                new ExplainLoop(explainer, pipeline).run(files, file -> topClass,
                        List.of(new MethodChoice(method, options)), 1, new ExplainLoop.Results() {
                            @Override
                            public void failed(ImagePipeline.Failed failed) {
                            }

                            @Override
                            public java.util.function.Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                                read.addAndGet(rows.size());
                                return maps -> {
                                    for (int i = 0; i < rows.size(); i++) {
                                        ImagePipeline.Loaded image = rows.image(i);
                                        Tensor cam = maps.result().cams().slice(i);
                                        Path file = out.file(names.get(image.file()) + "." + overlayFormat.extension());
                                        pipeline.submit(() -> overlayFormat.write(file,
                                                explainer.overlay(image.image(), cam)));
                                    }
                                };
                            }
                        });
            }
            explained.set(read.get());
        };
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The batch repeated to n images (its first n rows when it has more). */
    private static Tensor replicate(Tensor x, int n) {
        if (n == 1 || x.dim(0) == n) {
            return x;
        }
        List<Tensor> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(x.slice(i % x.dim(0)));
        }
        return Tensor.stack(rows);
    }

    record Timing(double median, double min) {
    }

    /** The --warmup runs, or -1 for auto: parsed once, before anything runs. */
    private int warmupRuns;

    private int parseWarmup() {
        if (warmup.strip().equalsIgnoreCase("auto")) {
            return -1;
        }
        try {
            return Limits.range(Integer.parseInt(warmup.strip()), 0, 1000, "--warmup");
        } catch (NumberFormatException e) {
            throw new RequestException("--warmup must be 'auto' or a whole number between 0 and 1000, got '" + warmup + "'");
        }
    }

    /**
     * Warms each run up (--warmup), then times them in turns, one run of each per round, so that the machine's drift
     * (clock, heat, other load) falls on every row alike and the ratios to the floor stay fair.
     */
    private List<Timing> timeInTurns(List<Runnable> runs) {
        for (Runnable run : runs) {
            long warmupStart = System.nanoTime();
            for (int i = 0; warmupRuns >= 0 ? i < warmupRuns : i < 2 || i < AUTO_WARMUP_MAX_RUNS
                    && System.nanoTime() - warmupStart < AUTO_WARMUP_SECONDS * 1_000_000_000L; i++) {
                run.run();
            }
        }
        double[][] t = new double[runs.size()][iterations];
        for (int i = 0; i < iterations; i++) {
            for (int r = 0; r < runs.size(); r++) {
                long start = System.nanoTime();
                runs.get(r).run();
                t[r][i] = (System.nanoTime() - start) / 1e9;
            }
        }
        List<Timing> timings = new ArrayList<>();
        for (double[] row : t) {
            Arrays.sort(row);
            timings.add(new Timing(row[iterations / 2], row[0]));
        }
        return timings;
    }
}
