package org.cam4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cam4j.model.CacheFolder;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.timing.Timings;

/**
 * ONNX Runtime's optimised models of one model's graph variants (the gradient-augmented graph, heads, prefixes...),
 * kept in the user's cache folder ({@link CacheFolder}, sub-folder {@code graphs}): a later run opens a variant
 * from its optimised file as it is, without building the graph, serialising it and optimising it again (resnet18's
 * gradient graph: 0.34 s instead of 0.14 s to serialise and 0.70-1.17 s to create and optimise the session).
 *
 * <p>An entry is keyed by the model file's digest, the options its graphs are built with, the variant, the input
 * size, cam4j's build, ONNX Runtime's version and the CPU (an optimised model may use instruction sets another CPU
 * lacks). It is written to temporary files and moved into place, so two processes filling one entry each write a
 * whole file and the last one stays; an entry ONNX Runtime cannot load is deleted and made again; the folder is
 * kept under {@value #MAX_BYTES} bytes, the least recently used entries going first. Without a cache folder, on
 * CUDA (the optimised model would be the GPU's), or when the folder cannot be written, sessions are made from the
 * graph's bytes as before.
 */
final class GraphCache {
    /** Bound of the graphs folder. */
    static final long MAX_BYTES = 1L << 30;
    /** Changed whenever what an entry holds changes meaning. */
    private static final int FORMAT = 1;
    private static final System.Logger LOG = System.getLogger("org.cam4j.onnx");

    private final Optional<Path> folder;
    private final String model;
    private final ModelOptions options;
    private final String cam4jBuild;

    /**
     * @param model the model's identity: its file's digest and the outputs it is explained through
     */
    GraphCache(String model, ModelOptions options) {
        this(model, options, CacheEntries.build());
    }

    /** The cache as a given cam4j build sees it (entries of other builds are never read). */
    GraphCache(String model, ModelOptions options, String build) {
        this.cam4jBuild = build;
        this.folder = options.cudaDevice() >= 0 ? Optional.empty()
                : CacheFolder.location().map(f -> f.resolve("graphs"));
        this.model = model + "|" + options.reshape() + "|" + options.inplaceReluView() + "|"
                + new TreeMap<>(options.backend());
        this.options = options;
    }

    /** The session of a variant at an input size (null: any), from its cached optimised model when there is one. */
    OrtRunner session(String variant, int[] inputSize, Supplier<ModelProto> build) {
        if (folder.isEmpty()) {
            return fromBytes(Timings.time("build graph variants (gradients, heads)", build));
        }
        Path entry = folder.get().resolve(CacheEntries.key(FORMAT, cam4jBuild,
                OrtRunner.optimisationTarget(), model, variant, Arrays.toString(inputSize)) + ".onnx");
        if (Files.isRegularFile(entry)) {
            try {
                OrtRunner cached = new OrtRunner(entry, options, false, null);
                Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
                LOG.log(System.Logger.Level.DEBUG, () -> "graph " + variant + ": from the cache");
                return cached;
            } catch (OrtException | IOException | RuntimeException e) {
                // truncated or corrupt: made again below
                CacheEntries.deleteQuietly(entry);
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "graph " + variant + ": built (not in the cache)");
        ModelProto graph = Timings.time("build graph variants (gradients, heads)", build);
        Path written = null;
        Path optimised = null;
        try {
            Files.createDirectories(folder.get());
            written = Files.createTempFile(folder.get(), ".graph-", ".tmp");
            optimised = Files.createTempFile(folder.get(), ".optimised-", ".tmp");
            try (Timings.Phase t = Timings.phase("serialise graphs for ONNX Runtime");
                 OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(written), 1 << 20)) {
                graph.writeTo(out);
            }
            OrtRunner made;
            try {
                made = new OrtRunner(written, options, true, optimised);
            } catch (OrtException e) {
                // the graph as bytes says what ONNX Runtime refuses, as without the cache
                return fromBytes(graph);
            }
            CacheEntries.moveIntoPlace(optimised, entry);
            optimised = null;
            CacheEntries.bound(folder.get(), ".onnx", MAX_BYTES);
            return made;
        } catch (IOException e) {
            CacheEntries.warnUnwritable(folder.get(), e);
            return fromBytes(graph);
        } finally {
            CacheEntries.deleteQuietly(written);
            CacheEntries.deleteQuietly(optimised);
        }
    }

    /** A session of the graph made from its bytes, without the cache. */
    private OrtRunner fromBytes(ModelProto graph) {
        return new OrtRunner(Timings.time("serialise graphs for ONNX Runtime", graph::toByteArray), options);
    }
}
