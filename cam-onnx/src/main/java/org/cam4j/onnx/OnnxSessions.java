package org.cam4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.onnx.runtime.ShapeProbe;
import org.cam4j.tensor.Tensor;

/**
 * The ONNX Runtime sessions of one model's variants (plain, gradient-augmented, prefix, head, ...), each built on first
 * use and kept until {@link #close}, and the tensor facts (shapes, small int values) those graphs are built from,
 * probed with one run when missing. Sessions come from the cache of optimised graphs ({@link GraphCache}) when it
 * holds them. Batches larger than a fixed batch dimension run in chunks and are joined.
 */
final class OnnxSessions implements AutoCloseable {
    /** The unmodified model. */
    static final String PLAIN = "plain";
    /** The model behind in-graph input masking; like the plain one, independent of the input size. */
    static final String MASKED = "masked";

    private final OnnxGraph graph;
    private final TensorFacts facts;
    private final TensorInfo input;
    private final FactsCache cache;
    private final GraphCache graphs;
    private static final System.Logger LOG = System.getLogger("org.cam4j.onnx");
    private final Map<String, OrtRunner> sessions = new HashMap<>();
    private final Set<String> probed = new LinkedHashSet<>();
    /** Input dimensions after the batch that the probed facts and built graphs are for. */
    private int[] builtFor;

    /** Checks, before a graph is built or probed, that the model file its weights alias is as it was read. */
    private final Runnable fileUnchanged;

    OnnxSessions(OnnxGraph graph, TensorFacts facts, TensorInfo input, FactsCache cache, GraphCache graphs,
                 Runnable fileUnchanged) {
        this.fileUnchanged = fileUnchanged;
        this.cache = cache;
        this.graphs = graphs;
        this.graph = graph;
        this.facts = facts;
        this.input = input;
    }

    /** The session of a variant, building its graph the first time the key is asked for. */
    OrtRunner get(String key, Supplier<ModelProto> build) {
        return sessions.computeIfAbsent(key, k -> {
            boolean sized = !k.equals(PLAIN) && !k.equals(MASKED);
            return graphs.session(k, sized ? builtFor : null, () -> {
                fileUnchanged.run();
                return build.get();
            });
        });
    }

    /** Runs a session on batch-first inputs, in chunks when the model's batch dimension is fixed. */
    Map<String, Tensor> run(OrtRunner runner, Map<String, Tensor> inputs, Set<String> outputs) {
        int n = inputs.values().iterator().next().dim(0);
        int fixed = (int) input.shape()[0];
        if (fixed <= 0 || fixed == n) {
            return runner.run(inputs, outputs);
        }
        if (n % fixed != 0) {
            throw new IllegalArgumentException("the model takes batches of exactly " + fixed + " images; got " + n);
        }
        Map<String, List<Tensor>> parts = new LinkedHashMap<>();
        for (int start = 0; start < n; start += fixed) {
            Map<String, Tensor> chunk = new HashMap<>();
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                chunk.put(e.getKey(), e.getValue().rows(start, start + fixed));
            }
            runner.run(chunk, outputs).forEach((k, v) -> parts.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        parts.forEach((k, v) -> out.put(k, Tensor.concat(v)));
        return out;
    }

    /**
     * Makes sure shapes (and small int values) of these tensors are known, with one probe run if needed. A new input
     * size (a model with symbolic image sizes) drops every fact and every session whose graph has shapes baked in.
     */
    void ensureFacts(Set<String> tensors, Tensor sample) {
        int[] size = Arrays.copyOfRange(sample.shape(), 1, sample.rank());
        if (builtFor != null && !Arrays.equals(builtFor, size)) {
            sessions.entrySet().removeIf(e -> {
                boolean stale = !e.getKey().equals(PLAIN) && !e.getKey().equals(MASKED);
                if (stale) {
                    e.getValue().close();
                }
                return stale;
            });
            facts.clear();
            probed.clear();
        }
        builtFor = size;
        Set<String> missing = new LinkedHashSet<>();
        for (String t : tensors) {
            if (!probed.contains(t) && !graph.isInitializer(t) && !graph.isGraphInput(t)) {
                missing.add(t);
            }
        }
        if (missing.isEmpty() && probed.contains(input.name())) {
            return;
        }
        java.util.Optional<Map<String, long[][]>> cached = cache.load(size, missing);
        LOG.log(System.Logger.Level.DEBUG, () -> "shape facts of " + missing.size() + " tensor(s): "
                + (cached.isPresent() ? "from the cache" : "probed (not in the cache)"));
        if (cached.isPresent()) {
            // an earlier run probed this model at this input size
            cached.get().forEach((name, f) -> {
                facts.putShape(name, f[0]);
                if (f[1] != null) {
                    facts.putValues(name, f[1]);
                }
            });
            probed.addAll(cached.get().keySet());
        } else {
            fileUnchanged.run();
            probed.addAll(ShapeProbe.run(graph, missing, Map.of(input.name(), probeBatch(sample)), facts));
            cache.store(size, probed, facts);
        }
        // the probe batch's shape (the batch itself is made only when probing)
        facts.putShape(input.name(), java.util.stream.LongStream.concat(java.util.stream.LongStream.of(
                probeBatchSize()), Arrays.stream(size).asLongStream()).toArray());
        probed.add(input.name());
    }

    /** The tensors probed so far. */
    Set<String> probed() {
        return probed;
    }

    /** Two images when the batch is dynamic (so broadcasting over the batch shows), else the fixed batch. */
    int probeBatchSize() {
        int fixed = (int) input.shape()[0];
        return fixed > 0 ? fixed : 2;
    }

    private Tensor probeBatch(Tensor sample) {
        int want = probeBatchSize();
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < want; i++) {
            rows.add(sample.slice(i % sample.dim(0)));
        }
        return Tensor.stack(rows);
    }

    @Override
    public void close() {
        sessions.values().forEach(OrtRunner::close);
        sessions.clear();
    }
}
