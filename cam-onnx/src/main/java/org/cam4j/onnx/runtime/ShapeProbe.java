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
 * those tensors as extra outputs. Every extra output stays in memory until the run ends, and probing all of a large
 * model's tensors at once would hold them all: the first run takes {@value #OUTPUTS_PER_RUN}, each later run as many
 * as fit {@value #BYTES_PER_RUN} bytes at the average size seen so far (a detector's thousands of small
 * post-processing tensors in a few runs, a classifier's large maps in runs of 128).
 */
public final class ShapeProbe {
    private ShapeProbe() {
    }

    static final int OUTPUTS_PER_RUN = 128;

    /** What the extra outputs of one probe run may hold, about. */
    static final long BYTES_PER_RUN = 256L << 20;

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
        int chunk = OUTPUTS_PER_RUN;
        long bytes = 0;
        do {
            List<String> part = outputs.subList(start, Math.min(outputs.size(), start + chunk));
            learned.addAll(runOnce(graph, part, feeds, facts));
            for (String t : part) {
                bytes += facts.hasShape(t) ? 4 * java.util.Arrays.stream(facts.shape(t)).reduce(1, (a, d) -> a * d) : 0;
            }
            start += part.size();
            long average = start == 0 ? 1 : Math.max(1, bytes / start);
            chunk = (int) Math.max(OUTPUTS_PER_RUN, Math.min(Integer.MAX_VALUE, BYTES_PER_RUN / average));
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
