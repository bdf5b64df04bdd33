package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cam4j.model.ExplainableModel;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.tensor.AtomicFiles;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam export}: writes the gradient-augmented ONNX model, runnable in any ONNX Runtime. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
    "Write the gradient-augmented ONNX model; it runs in any ONNX Runtime.",
    "Extra inputs: cam4j_seed (target weights shaped like the output), cam4j_top_class (N floats, 1 = explain the",
    "top class). Extra outputs: the layers and cam4j_grad_<i>, the gradient of the target score at layer i."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Option(names = "--layer", arity = "1..*", required = true, paramLabel = "LAYER", description = "Target layers.")
    List<String> layers;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The augmented .onnx to write.")
    Path out;

    @Override
    public Integer call() {
        try (ExplainableModel model = modelArgs.open()) {
            if (!(model instanceof OnnxModel onnx)) {
                throw new RequestException("export writes gradient-augmented ONNX models; " + modelArgs.path()
                        + " is not an ONNX model (for TensorFlow models use 'cam probe' to save activations and"
                        + " gradients)");
            }
            long[] s = onnx.input().shape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i] > 0 ? (int) s[i] : i == 0 ? 1 : 224;
            }
            byte[] bytes = onnx.augmented(layers, Tensor.zeros(shape)).toByteArray();
            AtomicFiles.write(out, bytes);
            spec.commandLine().getOut().println("wrote " + out + " (" + bytes.length + " bytes): outputs "
                    + String.join(", ", layers) + " and their gradients cam4j_grad_0.." + (layers.size() - 1));
        }
        return 0;
    }
}
