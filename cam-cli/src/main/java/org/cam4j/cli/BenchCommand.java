package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.cam4j.image.Preprocessing;
import org.cam4j.pipeline.CamResult;
import org.cam4j.pipeline.ImagePipeline;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.cam4j.image.ImageFiles;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam bench}: wall-clock time of each method on one batch, next to one plain inference of the same batch,
 * after warm-up runs; the median of the timed repeats.
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
            description = "Overlay format of the end-to-end run. Default: ${DEFAULT-VALUE}.")
    OverlayFormat format;

    @Option(names = "--json", description = "Print JSON: per method median_s, min_s, images_per_s, floor_median_s.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (iterations < 1) {
            throw new CliException("--repeat must be >= 1");
        }
        warmupRuns = parseWarmup();
        Limits.range(batch, 1, Limits.MAX_BATCH_SIZE, "--batch");
        int perturbationBatch = Limits.batchSize(batchSize, "--batch-size");
        List<CamMethod> chosen = Methods.distinct(methods);
        List<Path> files = images == null ? null : ImageInputs.expand(List.of(images), Path.of(""));
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode rows = Yaml.json().createArrayNode();
        try (ExplainableModel model = modelArgs.open()) {
            ModelSettings settings = modelArgs.settings();
            Preprocessing pre = preprocessingArgs.resolve(settings, model);
            Tensor x = input != null ? Npy.read(input) : pre.batch(List.of(ImageFiles.read(DefaultModel.image())));
            x = replicate(x, batch);
            List<String> targetLayers = ModelArgs.layersOrDefault(layers, settings, model);
            Tensor floorInput = x;
            Timing floor = time(() -> model.predict(floorInput));
            if (!json) {
                out.printf("%-20s %9s %9s %10s %8s   (%s, batch %s)%n", "method", "median_s", "min_s", "images/s",
                        "x floor", files == null ? "one batch" : "end to end, " + files.size() + " images",
                        Arrays.toString(x.shape()));
                out.printf("%-20s %9.4f %9.4f %10.1f %8.2f%n", "inference (floor)", floor.median(), floor.min(),
                        x.dim(0) / floor.median(), 1.0);
            }
            for (CamMethod method : chosen) {
                CamOptions options = CamOptions.defaults().withBatchSize(perturbationBatch);
                Timing t;
                int n;
                if (files == null) {
                    Tensor in = x;
                    try (Cam cam = new Cam(model, method, targetLayers, options)) {
                        t = time(() -> cam.compute(in, Targets.topClass(in.dim(0))));
                    }
                    n = x.dim(0);
                } else {
                    t = endToEnd(model, pre, targetLayers, method, options, files);
                    n = files.size();
                }
                rows.addObject().put("method", method.name()).put("median_s", t.median()).put("min_s", t.min())
                        .put("images_per_s", n / t.median()).put("floor_median_s", floor.median())
                        .put("batch", x.dim(0)).put("images", n).put("end_to_end", files != null);
                if (!json) {
                    out.printf("%-20s %9.4f %9.4f %10.1f %8.2f%n", method.name(), t.median(), t.min(),
                            n / t.median(), t.median() / floor.median());
                }
            }
        }
        if (json) {
            out.println(rows.toPrettyString());
        }
        return 0;
    }

    /** The end-to-end run of one method over the files, as 'cam explain' runs it, into a temporary folder. */
    private Timing endToEnd(ExplainableModel model, Preprocessing pre, List<String> layers, CamMethod method,
                            CamOptions options, List<Path> files) throws Exception {
        Path tmp = Files.createTempDirectory("cam4j-bench");
        try {
            ImageExplainer explainer = new ImageExplainer(model, pre, Labels.none(), layers, 0.5f);
            OutputFolder folder = OutputFolder.create(tmp, "--images");
            Map<Path, String> names = OutputNames.assign(files);
            return time(() -> {
                try (ImagePipeline pipeline = explainer.pipeline(ImageFiles.DEFAULT_MAX_PIXELS)) {
                    for (Iterator<ImagePipeline.Batch> it = pipeline.batches(files, IMAGE_BATCH); it.hasNext(); ) {
                        ImagePipeline.Batch b = it.next();
                        if (b.size() == 0) {
                            continue;
                        }
                        CamResult r = explainer.run(method, options, b.input(), Targets.topClass(b.size()));
                        for (int i = 0; i < b.size(); i++) {
                            ImagePipeline.Loaded image = b.loaded().get(i);
                            Tensor cam = r.cams().slice(i);
                            Path file = folder.file(names.get(image.file()) + "." + format.extension());
                            pipeline.submit(() -> format.write(file, explainer.overlay(image.image(), cam)));
                        }
                    }
                    pipeline.finish();
                }
            });
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static final int IMAGE_BATCH = 8;

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
            throw new CliException("--warmup must be 'auto' or a whole number between 0 and 1000, got '" + warmup + "'");
        }
    }

    private Timing time(Runnable run) {
        long warmupStart = System.nanoTime();
        for (int i = 0; warmupRuns >= 0 ? i < warmupRuns : i < 2 || i < AUTO_WARMUP_MAX_RUNS
                && System.nanoTime() - warmupStart < AUTO_WARMUP_SECONDS * 1_000_000_000L; i++) {
            run.run();
        }
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            run.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return new Timing(t[iterations / 2], t[0]);
    }
}
