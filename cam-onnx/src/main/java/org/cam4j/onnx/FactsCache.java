package org.cam4j.onnx;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cam4j.model.CacheFolder;
import org.cam4j.onnx.graph.TensorFacts;

/**
 * The shapes (and small int64 values) a probe run learned of a model's tensors, kept in the user's cache folder
 * ({@link CacheFolder}) so that the next run on the same model and input size skips the probe (a session and a run
 * of the whole model with extra outputs). An entry is keyed by the model file's CRC32C and length, its chosen
 * outputs, the input size and cam4j's cache format and version; it is written to a temporary file and moved into
 * place (two processes filling one entry each write a whole file, the last one stays), a corrupt or truncated entry
 * is ignored and replaced, and the folder is kept under {@value #MAX_BYTES} bytes (oldest entries go first). A folder
 * that cannot be written is said once on stderr and worked without.
 */
final class FactsCache {
    /** Bound of the shape-facts folder. */
    static final long MAX_BYTES = 64L << 20;
    /** Changed whenever the entries' content or meaning changes. */
    private static final int FORMAT = 1;

    private final Optional<Path> folder;
    private final String key;

    /**
     * @param model the model's identity: its file's digest and the outputs it is explained through
     */
    FactsCache(String model) {
        this(model, CacheEntries.build());
    }

    /** The cache of a model under a given cam4j version (entries of other versions are never read). */
    FactsCache(String model, String version) {
        this.folder = CacheFolder.location().map(f -> f.resolve("shape-facts"));
        this.key = CacheEntries.key(FORMAT, version, model);
    }

    private Path file(int[] inputSize) {
        StringBuilder dims = new StringBuilder();
        for (int d : inputSize) {
            dims.append(dims.length() == 0 ? "" : "x").append(d);
        }
        return folder.get().resolve(key + "-" + dims + ".facts");
    }

    /** The cached facts of these tensors, when the entry holds every one of them; else empty. */
    Optional<Map<String, long[][]>> load(int[] inputSize, Set<String> tensors) {
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        Path file = file(inputSize);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<String, long[][]> all = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != FORMAT) {
                return Optional.empty();
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                long[] shape = longs(in);
                long[] values = in.readBoolean() ? longs(in) : null;
                all.put(name, new long[][] {shape, values});
            }
        } catch (IOException | RuntimeException e) {
            // truncated or corrupt (a process killed while writing leaves only its temporary file): probe again
            return Optional.empty();
        }
        if (!all.keySet().containsAll(tensors)) {
            return Optional.empty();
        }
        return Optional.of(all);
    }

    private static long[] longs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("bad length " + n);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    /** Stores the facts of these tensors (every one probed so far) for this input size. */
    void store(int[] inputSize, Set<String> tensors, TensorFacts facts) {
        if (folder.isEmpty()) {
            return;
        }
        Path file = file(inputSize);
        Path temp = null;
        try {
            Files.createDirectories(folder.get());
            temp = Files.createTempFile(folder.get(), ".facts-", ".tmp");
            List<String> known = tensors.stream().filter(facts::hasShape).toList();
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(temp)))) {
                out.writeInt(FORMAT);
                out.writeInt(known.size());
                for (String t : known) {
                    out.writeUTF(t);
                    write(out, facts.shape(t));
                    long[] values = facts.probedValues(t);
                    out.writeBoolean(values != null);
                    if (values != null) {
                        write(out, values);
                    }
                }
            }
            CacheEntries.moveIntoPlace(temp, file);
            temp = null;
            CacheEntries.bound(folder.get(), ".facts", MAX_BYTES);
        } catch (IOException | RuntimeException e) {
            CacheEntries.warnUnwritable(folder.get(), e);
        } finally {
            CacheEntries.deleteQuietly(temp);
        }
    }

    private static void write(DataOutputStream out, long[] v) throws IOException {
        out.writeInt(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }
}
