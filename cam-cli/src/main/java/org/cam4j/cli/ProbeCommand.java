package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam probe}: activations, gradients and logits at a layer for an input batch, as .npy. The activations are
 * the layer's own output (no in-place ReLU view), as torch autograd would report them.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Save a layer's own activations and target-score gradients (N x C x h x w float32) for a batch.")
final class ProbeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Option(names = "--input", required = true, paramLabel = "BATCH.npy", description = "Preprocessed input batch.")
    Path input;

    @Option(names = "--layer", required = true, paramLabel = "LAYER", description = "Target layer.")
    String layer;

    @Option(names = "--class", split = ",", paramLabel = "C", description = "Target class per image (default: top).")
    List<Integer> classes;

    @Option(names = "--save-activations", paramLabel = "FILE")
    Path activations;

    @Option(names = "--save-gradients", paramLabel = "FILE")
    Path gradients;

    @Option(names = "--save-logits", paramLabel = "FILE")
    Path logits;

    @Override
    public Integer call() {
        if (activations == null && gradients == null && logits == null) {
            throw new RequestException("nothing to save; give --save-activations, --save-gradients or --save-logits");
        }
        Tensor x = Npy.read(input);
        PrintWriter out = spec.commandLine().getOut();
        modelArgs.noInplaceReluView = true;
        try (ExplainableModel model = modelArgs.open()) {
            ForwardResult r = model.forward(x, List.of(layer), Targets.classes(x.dim(0), classes), true);
            save(activations, r.activation(layer), out);
            save(gradients, r.gradient(layer), out);
            save(logits, r.output(), out);
        }
        return 0;
    }

    private static void save(Path file, Tensor t, PrintWriter out) {
        if (file != null) {
            Npy.write(file, t);
            out.println("wrote " + file + " " + java.util.Arrays.toString(t.shape()));
        }
    }
}
