package org.cam4j.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;
import org.cam4j.errors.InvalidModelException;

/**
 * One ONNX Runtime session over a model (in memory or in a file), with float tensors in and out. Closing it frees the native
 * session.
 */
public final class OrtRunner implements AutoCloseable {
    /**
     * ONNX Runtime's environment, made on first use (a holder, so that {@link #warmUp} does not load the native
     * library on the caller's thread: the warm-up's own thread does, while the caller parses the model). Its own log
     * stays quiet: failures reach the user as one-line errors that quote it. Its native library is loaded and
     * initialised on a large-stack thread ({@link LargeStack}).
     */
    private static final class Native {
        static final OrtEnvironment ENV = LargeStack.environment();

        static {
            // once the native library is loaded: its unpacked folder is known
            NativeLibraryFolder.removeAtExit();
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final OrtSession session;

    /** A session of a model held in memory. */
    public OrtRunner(byte[] model, ModelOptions options) {
        this(model, options, true);
    }

    /**
     * A session of a model held in memory, optimised by ONNX Runtime or not: a session run once (the shape probe)
     * is made faster without the optimisations, which change no tensor's shape or value.
     */
    OrtRunner(byte[] model, ModelOptions options, boolean optimise) {
        try {
            this.session = create(options, optimise, null, so -> Native.ENV.createSession(model, so));
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /**
     * A session of a model file: faster to create than from bytes (resnet18's 47 MB gradient graph, first session
     * of a process: 0.70 s from its file, 1.17 s from the same bytes in memory).
     *
     * @param optimise whether ONNX Runtime optimises the graph; not for its own optimised model written by an
     *     earlier session on this machine through {@code saveOptimized} (loaded as it is: 0.34 s for that graph), nor
     *     for a session run once (the shape probe), whose optimisation would cost more than it saves
     * @param saveOptimized where ONNX Runtime writes the model as it optimised it, or null
     */
    public OrtRunner(java.nio.file.Path file, ModelOptions options, boolean optimise,
                     java.nio.file.Path saveOptimized) throws OrtException {
        this.session = create(options, optimise, saveOptimized, so -> Native.ENV.createSession(file.toString(), so));
    }

    /** How a session is made from its options: from bytes or from a file. */
    private interface SessionSource {
        OrtSession open(OrtSession.SessionOptions options) throws OrtException;
    }

    /** A session with this process's options, optimised or not, its optimised model saved where asked. */
    private static OrtSession create(ModelOptions options, boolean optimise, java.nio.file.Path saveOptimized,
                                     SessionSource source) throws OrtException {
        try (OrtSession.SessionOptions so = sessionOptions(options);
             org.cam4j.timing.Timings.Phase t = org.cam4j.timing.Timings.phase("create ONNX Runtime sessions")) {
            if (!optimise) {
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            if (saveOptimized != null) {
                so.setOptimizedModelFilePath(saveOptimized.toString());
            }
            return LargeStack.call(() -> source.open(so), OrtException.class);
        }
    }

    /** ONNX Runtime's version and the execution providers this build of it offers on this machine. */
    public static String runtime() {
        return "ONNX Runtime " + Native.ENV.getVersion() + ", execution providers "
                + OrtEnvironment.getAvailableProviders();
    }

    /** ONNX Runtime's version and the machine it optimises for: what its optimised models are valid on. */
    public static String optimisationTarget() {
        return Native.ENV.getVersion() + "|" + CpuIdentity.describe();
    }

    /**
     * Loads ONNX Runtime's native library and makes its environment on another thread (0.27-0.37 s here), so that a
     * caller parsing a model meanwhile finds it ready. Only the first call of a process does anything. (A throw-away
     * session of the model file was made here too, while sessions were made from bytes: the first large one paid
     * about 0.6 s more. Sessions now come from files, and that session only took CPU from the run: one resnet50
     * photo, warm cache, 2.17-2.22 s with the environment alone, 2.45-2.50 s with the throw-away session.)
     */
    public static void warmUp() {
        if (WARMED.compareAndSet(false, true)) {
            LargeStack.submit(OrtRunner::loadQuietly);
        }
    }

    /**
     * The warm-up's load: a failure is left to the first real use of ONNX Runtime, which reports it where it
     * matters; here it would only print a stray "Exception in thread" line (seen when a bad request ended the
     * process while the library was still loading).
     */
    private static void loadQuietly() {
        try {
            Native.ENV.getVersion();
        } catch (RuntimeException | LinkageError e) {
            System.getLogger("org.cam4j.onnx").log(System.Logger.Level.DEBUG, "ONNX Runtime's warm-up load failed", e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(ModelOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        // ONNX Runtime's worker threads otherwise spin on every core for a while after each run, where our own
        // host work (projections, resizing, blending) runs next: measured on 2 cores, a parallel host step right
        // after a resnet18 run took 38 ms with spinning and 20 ms without, for the same run time (134-136 ms)
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        so.addConfigEntry("session.inter_op.allow_spinning", "0");
        if (options.threads() > 0) {
            so.setIntraOpNumThreads(options.threads());
        }
        int cuda = options.cudaDevice();
        if (cuda >= 0) {
            try {
                so.addCUDA(cuda);
            } catch (OrtException | UnsatisfiedLinkError | RuntimeException e) {
                so.close();
                throw new InvalidInputException("cannot use CUDA device " + cuda + " (" + String.valueOf(e.getMessage()).lines()
                        .findFirst().orElse("") + "); CUDA needs the -Pgpu build and CUDA 12 with cuDNN 9 on the"
                        + " library path, or use the cpu device").naming("device");
            }
        }
        return so;
    }

    /** Outputs by name, for the requested outputs (all when {@code outputs} is empty). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (org.cam4j.timing.Timings.Phase t = org.cam4j.timing.Timings.phase("run ONNX Runtime")) {
            for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
                feeds.put(in.getKey(), onnxTensor(in.getValue()));
            }
            try (OrtSession.Result result = LargeStack.call(() -> outputs.isEmpty() ? session.run(feeds)
                    : session.run(feeds, outputs), OrtException.class)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), toTensor((OnnxTensor) e.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** Runs and returns the raw shapes and int64 values of the outputs (the probe). */
    public Map<String, Probed> probe(Map<String, Tensor> inputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
                feeds.put(in.getKey(), onnxTensor(in.getValue()));
            }
            try (OrtSession.Result result = LargeStack.call(() -> session.run(feeds), OrtException.class)) {
                Map<String, Probed> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (!(e.getValue() instanceof OnnxTensor t)) {
                        continue; // sequences and maps have no shape to learn
                    }
                    TensorInfo info = t.getInfo();
                    long[] values = null;
                    if (info.type == ai.onnxruntime.OnnxJavaType.INT64 && info.getNumElements() <= 64) {
                        LongBuffer b = t.getLongBuffer();
                        values = new long[b.remaining()];
                        b.get(values);
                    }
                    out.put(e.getKey(), new Probed(info.getShape(), values, info.type == ai.onnxruntime.OnnxJavaType.FLOAT));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** What a probe run tells of one tensor: its shape, its values when a small int64 tensor, whether float. */
    public record Probed(long[] shape, long[] longs, boolean isFloat) {
    }

    /** The session's input names. */
    public List<String> inputNames() {
        return List.copyOf(session.getInputNames());
    }

    /**
     * A native-order direct buffer filled straight from the tensor: ONNX Runtime uses it as it is, where a heap
     * buffer would be copied once more (4.8 MB per run for 8 images of 224 x 224).
     */
    private static OnnxTensor onnxTensor(Tensor t) throws OrtException {
        FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(t.size() * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        t.writeTo(direct);
        direct.rewind();
        return OnnxTensor.createTensor(Native.ENV, direct, longShape(t));
    }

    private static long[] longShape(Tensor t) {
        int[] s = t.shape();
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }

    private static Tensor toTensor(OnnxTensor t) throws OrtException {
        long[] shape = t.getInfo().getShape();
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i];
        }
        if (t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new IllegalStateException("expected a float output, got " + t.getInfo().type);
        }
        FloatBuffer b = t.getFloatBuffer();
        float[] data = new float[b.remaining()];
        b.get(data);
        return Tensor.of(data, s);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
