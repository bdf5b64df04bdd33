package org.cam4j.onnx.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.tensor.Tensor;

/**
 * Learns the shapes of intermediate tensors (and the values of small int64 ones) by running the model on CPU with
 * those tensors as extra outputs, at most {@value #OUTPUTS_PER_RUN} per run: every extra output stays in memory until
 * the run ends, and probing all of a large model's tensors at once would hold them all.
 */
public final class ShapeProbe {
    private ShapeProbe() {
    }

    static final int OUTPUTS_PER_RUN = 128;

    /** Records every probed tensor in {@code facts}; returns the names it learned. */
    public static Set<String> run(OnnxGraph graph, Set<String> tensors, Map<String, Tensor> feeds, TensorFacts facts) {
        try (org.cam4j.timing.Timings.Phase t = org.cam4j.timing.Timings.phase("probe tensor shapes")) {
            return runAll(graph, tensors, feeds, facts);
        }
    }

    private static Set<String> runAll(OnnxGraph graph, Set<String> tensors, Map<String, Tensor> feeds,
                                      TensorFacts facts) {
        Set<String> graphOutputs = new HashSet<>();
        graph.outputs().forEach(o -> graphOutputs.add(o.getName()));
        // the graph's outputs are outputs of every run anyway
        List<String> outputs = tensors.stream().filter(t -> !graph.isInitializer(t) && !graph.isGraphInput(t)
                && !graphOutputs.contains(t)).toList();
        Set<String> learned = new HashSet<>();
        int start = 0;
        do {
            learned.addAll(runOnce(graph, outputs.subList(start, Math.min(outputs.size(), start + OUTPUTS_PER_RUN)),
                    feeds, facts));
            start += OUTPUTS_PER_RUN;
        } while (start < outputs.size());
        return learned;
    }

    private static Set<String> runOnce(OnnxGraph graph, List<String> tensors, Map<String, Tensor> feeds,
                                       TensorFacts facts) {
        ModelProto.Builder b = graph.model().toBuilder();
        b.getGraphBuilder().clearOutput().clearValueInfo();
        for (String t : tensors) {
            b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(t));
        }
        graph.outputs().forEach(o -> b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(o.getName())));
        try (OrtRunner probe = unoptimisedSession(b.build())) {
            Map<String, OrtRunner.Probed> result = probe.probe(feeds);
            result.forEach((name, p) -> {
                facts.putShape(name, p.shape());
                if (p.longs() != null) {
                    facts.putValues(name, p.longs());
                }
            });
            feeds.forEach((name, t) -> facts.putShape(name, java.util.Arrays.stream(t.shape()).asLongStream().toArray()));
            return result.keySet();
        }
    }

    /**
     * The probe's session, run once: not optimised, and made from a temporary file (ONNX Runtime makes a first
     * session faster from a file than from the same bytes), else from the bytes.
     */
    private static OrtRunner unoptimisedSession(ModelProto model) {
        java.nio.file.Path file = null;
        try {
            file = java.nio.file.Files.createTempFile("cam4j-probe", ".onnx");
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file),
                    1 << 20)) {
                model.writeTo(out);
            }
            return new OrtRunner(file, ModelOptions.defaults(), false, null);
        } catch (java.io.IOException | ai.onnxruntime.OrtException e) {
            // no temporary folder, or a refusal the bytes will state
            return new OrtRunner(model.toByteArray(), ModelOptions.defaults(), false);
        } finally {
            if (file != null) {
                try {
                    java.nio.file.Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // best effort: a file in the temporary folder
                }
            }
        }
    }
}
