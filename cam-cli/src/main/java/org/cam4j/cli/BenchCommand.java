package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        description = "Time CAM methods against plain inference on one batch (median of --repeat runs after warm-up).")
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs();

    @Option(names = "--input", paramLabel = "BATCH.npy", description = "Input batch (default: the bundled photo).")
    Path input;

    @Option(names = "--method", arity = "1..*", defaultValue = "GradCAM,EigenCAM,ScoreCAM,AblationCAM", split = ",",
            paramLabel = "NAME", description = "Methods to time. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER", description = "Target layers.")
    List<String> layers;

    @Option(names = "--batch-size", defaultValue = "32", description = "Perturbation batch size.")
    int batchSize;

    @Option(names = "--repeat", defaultValue = "5", description = "Timed runs per method.")
    int repeat;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first.")
    int warmup;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (repeat < 1 || warmup < 0) {
            throw new CliException("--repeat must be >= 1 and --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode rows = Yaml.json().createArrayNode();
        try (ExplainableModel model = modelArgs.open()) {
            ModelSettings settings = modelArgs.settings();
            Tensor x = input != null ? Npy.read(input) : preprocessingArgs.resolve(settings, model)
                    .batch(List.of(ImageFiles.read(DefaultModel.image())));
            List<String> targetLayers = ModelArgs.layersOrDefault(layers, settings, model);
            double inference = median(() -> model.predict(x));
            rows.addObject().put("method", "inference").put("seconds", inference).put("ratio", 1.0);
            if (!json) {
                out.printf("%-20s %9.4f s  %6.2f x inference   (batch %s)%n", "inference", inference, 1.0,
                        Arrays.toString(x.shape()));
            }
            for (String name : methods) {
                CamMethod method = Methods.get(name);
                try (Cam cam = new Cam(model, method, targetLayers, CamOptions.defaults().withBatchSize(batchSize))) {
                    double t = median(() -> cam.compute(x, Targets.topClass(x.dim(0))));
                    ObjectNode row = rows.addObject().put("method", method.name()).put("seconds", t)
                            .put("ratio", t / inference);
                    if (!json) {
                        out.printf("%-20s %9.4f s  %6.2f x inference%n", method.name(), t, row.get("ratio").asDouble());
                    }
                }
            }
        }
        if (json) {
            out.println(rows.toPrettyString());
        }
        return 0;
    }

    private double median(Runnable run) {
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        double[] t = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long start = System.nanoTime();
            run.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[repeat / 2];
    }
}
