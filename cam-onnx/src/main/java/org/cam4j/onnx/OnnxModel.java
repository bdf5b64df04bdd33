package org.cam4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.FullGradTerms;
import org.cam4j.model.LayerInfo;
import org.cam4j.model.Layout;
import org.cam4j.model.ModelOptions;
import org.cam4j.model.TensorInfo;
import org.cam4j.onnx.graph.ActivationMemory;
import org.cam4j.onnx.graph.GradientGraphBuilder;
import org.cam4j.onnx.graph.HeadLinearity;
import org.cam4j.onnx.graph.LayerCatalog;
import org.cam4j.onnx.graph.LayerResolver;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.OutputSelection;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.onnx.runtime.ShapeProbe;
import org.cam4j.spi.Capability;
import org.cam4j.target.Target;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Tensor;

/**
 * An ONNX model opened for explanation. Gradient-augmented, head and plain variants are built on first use and
 * their ONNX Runtime sessions cached until {@link #close}. Batches larger than a fixed batch dimension are split
 * and joined.
 */
public final class OnnxModel implements ExplainableModel {
    private final Path path;
    private final ModelOptions options;
    private final OnnxGraph graph;
    private final LayerResolver resolver;
    private final TensorFacts facts;
    /** Input dimensions after the batch that the probed facts and built graphs are for. */
    private int[] builtFor;
    private final Set<String> probed = new LinkedHashSet<>();
    private final Map<String, OrtRunner> sessions = new HashMap<>();
    private final TensorInfo input;
    private final TensorInfo output;
    private final List<TensorInfo> allOutputs;
    private final Set<String> softmaxOutputs;

    OnnxModel(Path path, ModelOptions options) {
        this.path = path;
        this.options = options;
        ModelProto model = OnnxModelFile.read(path);
        String chosenOutputs = options.backendOption(ModelOptions.OUTPUTS, null);
        this.allOutputs = model.getGraph().getOutputList().stream().map(OnnxModel::info).toList();
        ModelProto original = model;
        this.softmaxOutputs = allOutputs.stream().map(TensorInfo::name)
                .filter(o -> OutputSelection.softmaxMaking(original, o) != null).collect(java.util.stream.Collectors.toSet());
        if (chosenOutputs != null) {
            model = OutputSelection.select(model, List.of(chosenOutputs.split(",")), path.toString());
        }
        this.graph = new OnnxGraph(model);
        if (graph.opset() < 9) {
            throw new IllegalArgumentException(path + " uses ONNX opset " + graph.opset() + "; cam4j reads opset 9 and"
                    + " later, re-export with opset_version >= 9 (17 recommended)");
        }
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException(path + " has " + graph.inputs().size() + " inputs; cam4j explains"
                    + " single-input image models");
        }
        int elem = graph.inputs().get(0).getType().getTensorType().getElemType();
        if (elem != ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException(path + ": input '" + graph.inputs().get(0).getName() + "' is "
                    + ai.onnx.proto.OnnxMl.TensorProto.DataType.forNumber(elem) + "; cam4j feeds float32 images,"
                    + " re-export the model with a float input");
        }
        var inputType = graph.inputs().get(0).getType().getTensorType();
        if (inputType.hasShape() && inputType.getShape().getDimCount() != 4) {
            throw new IllegalArgumentException(path + ": input '" + graph.inputs().get(0).getName() + "' has "
                    + inputType.getShape().getDimCount() + " dimensions; cam4j explains image models, whose input is"
                    + " N x C x H x W or N x H x W x C");
        }
        requireStandardOps(path, model);
        this.resolver = new LayerResolver(graph);
        this.facts = new TensorFacts(graph);
        this.input = info(graph.inputs().get(0));
        this.output = info(graph.outputs().get(0));
        options.cudaDevice();
        session("plain", () -> graph.model());
    }

    /** Domains ONNX Runtime's standard build implements. */
    private static final Set<String> STANDARD_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft");

    /** Ops of custom domains (not defined as functions in the model) cannot run: named up front. */
    private static void requireStandardOps(Path path, ModelProto model) {
        Set<String> functions = new java.util.HashSet<>();
        model.getFunctionsList().forEach(f -> functions.add(f.getDomain() + "/" + f.getName()));
        for (ai.onnx.proto.OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (!STANDARD_DOMAINS.contains(n.getDomain()) && !functions.contains(n.getDomain() + "/" + n.getOpType())) {
                throw new IllegalArgumentException(path + " uses op '" + n.getOpType() + "' of custom domain '"
                        + n.getDomain() + "' (node '" + n.getName() + "'), which ONNX Runtime's standard build does not"
                        + " run; re-export the model with standard ONNX ops");
            }
        }
    }

    @Override
    public boolean headIsPiecewiseLinear(String layer) {
        return HeadLinearity.isPiecewiseLinear(new GradientGraphBuilder(graph, facts, output.name()),
                resolver.resolve(layer));
    }

    /** A copy of this model with its last {@code layers} parameterised layers randomised ({@link WeightRandomizer}). */
    @Override
    public ExplainableModel withRandomizedLayers(int layers, long seed) {
        ModelProto randomised = WeightRandomizer.randomize(graph, facts, layers, seed);
        try {
            Path file = java.nio.file.Files.createTempFile("cam4j-randomised", ".onnx");
            try {
                java.nio.file.Files.write(file, randomised.toByteArray());
                // the copy already has the chosen output only
                java.util.Map<String, String> backend = new HashMap<>(options.backend());
                backend.remove(ModelOptions.OUTPUTS);
                return new OnnxModel(file, new ModelOptions(options.device(), options.threads(), options.reshape(),
                        options.inplaceReluView(), backend));
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the randomised model: " + e.getMessage(), e);
        }
    }

    private static TensorInfo info(ValueInfoProto v) {
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
        }
        boolean nhwc = shape.length == 4 && (shape[3] == 1 || shape[3] == 3) && shape[1] != 1 && shape[1] != 3;
        return new TensorInfo(v.getName(), shape, nhwc ? Layout.NHWC : Layout.NCHW);
    }

    public OnnxGraph graph() {
        return graph;
    }

    @Override
    public TensorInfo input() {
        return input;
    }

    @Override
    public TensorInfo output() {
        return output;
    }

    @Override
    public boolean outputIsSoftmax(String name) {
        return softmaxOutputs.contains(name);
    }

    /** Every output of the model file, whichever is explained. */
    @Override
    public List<TensorInfo> outputs() {
        return allOutputs;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.GRADIENTS, Capability.HEAD_FORWARD, Capability.MASKED_FORWARD,
                Capability.INPUT_GRADIENTS, Capability.SECOND_ORDER);
    }

    /** The tensor a layer name refers to (tensor, node, or PyTorch module path). */
    public String resolve(String layer) {
        return resolver.resolve(layer);
    }

    private OrtRunner session(String key, Supplier<ModelProto> build) {
        return sessions.computeIfAbsent(key, k -> new OrtRunner(build.get().toByteArray(), options));
    }

    private void checkInput(Tensor x) {
        input.requireFits(x);
    }

    /** Runs a session on batch-first inputs, in chunks when the model's batch dimension is fixed. */
    private Map<String, Tensor> run(OrtRunner runner, Map<String, Tensor> inputs, Set<String> outputs) {
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

    @Override
    public Tensor predict(Tensor x) {
        checkInput(x);
        return run(sessions.get("plain"), Map.of(input.name(), x), Set.of(output.name())).get(output.name());
    }

    /** Makes sure shapes (and small int values) of these tensors are known, with one probe run if needed. */
    void ensureFacts(Set<String> tensors, Tensor sample) {
        int[] size = java.util.Arrays.copyOfRange(sample.shape(), 1, sample.rank());
        if (builtFor != null && !java.util.Arrays.equals(builtFor, size)) {
            // a model with symbolic image sizes: shapes baked into the gradient graphs change with the input size
            sessions.entrySet().removeIf(e -> {
                boolean stale = !e.getKey().equals("plain") && !e.getKey().equals("masked");
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
        probed.addAll(ShapeProbe.run(graph, missing, Map.of(input.name(), probeBatch(sample)), facts));
        probed.add(input.name());
    }

    /** Two images when the batch is dynamic (so broadcasting over the batch shows), else the fixed batch. */
    private Tensor probeBatch(Tensor sample) {
        int want = probeBatchSize();
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < want; i++) {
            rows.add(sample.slice(i % sample.dim(0)));
        }
        return Tensor.stack(rows);
    }

    private int probeBatchSize() {
        int fixed = (int) input.shape()[0];
        return fixed > 0 ? fixed : 2;
    }

    /**
     * The tensor whose values methods see for a layer: the layer itself, or with {@code inplaceReluView} the output
     * of a ReLU that is the layer's only consumer (see {@link ModelOptions#inplaceReluView}).
     */
    private String viewOf(String tensor) {
        List<NodeProto> consumers = graph.consumers(tensor);
        if (options.inplaceReluView() && consumers.size() == 1 && consumers.get(0).getOpType().equals("Relu")
                && !graph.outputs().stream().anyMatch(o -> o.getName().equals(tensor))) {
            return consumers.get(0).getOutput(0);
        }
        return tensor;
    }

    private TokenReshape reshapeOf(String tensor, String layer) {
        NodeProto p = graph.producer(tensor);
        boolean nhwcHint = p != null && p.getOpType().equals("LayerNormalization");
        return TokenReshape.of(facts.shape(tensor), options.reshape(), nhwcHint, layer);
    }

    /** Backend state kept by a forward pass for head runs: raw activations and cut tensors per layer. */
    record HeadState(Map<String, Tensor> raw, Map<String, Tensor> cuts, Map<String, TokenReshape> reshapes) {
    }

    @Override
    public ForwardResult forward(Tensor x, List<String> layers, List<Target> targets, boolean gradients) {
        checkInput(x);
        if (targets.size() != x.dim(0)) {
            throw new IllegalArgumentException("got " + targets.size() + " targets for " + x.dim(0) + " images");
        }
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, output.name());
        List<String> cuts = new ArrayList<>();
        for (String t : tensors) {
            for (String c : builder.cutTensors(t)) {
                if (!cuts.contains(c)) {
                    cuts.add(c);
                }
            }
        }
        Set<String> needed = new LinkedHashSet<>(gradients ? builder.tensorsToProbe(tensors) : Set.of());
        needed.addAll(tensors);
        needed.addAll(cuts);
        needed.add(output.name());
        ensureFacts(needed, x);
        List<String> views = tensors.stream().map(this::viewOf).toList();
        List<String> extra = new ArrayList<>(cuts);
        views.stream().filter(v -> !tensors.contains(v) && !extra.contains(v)).forEach(extra::add);
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        Map<String, Tensor> out;
        if (gradients) {
            OrtRunner runner = session("grad|" + tensors, () -> builder.gradients(tensors, false, extra));
            seeds(x, targets, feeds);
            out = run(runner, feeds, Set.of());
        } else {
            OrtRunner runner = session("acts|" + tensors, () -> withOutputs(tensors, extra));
            out = run(runner, feeds, Set.of());
        }
        return result(layers, tensors, views, out, gradients, cuts);
    }

    /**
     * A forward result from a run's outputs: per layer the activations (of its view) and gradients in N x C x h x w,
     * and the raw layer tensors and cut tensors for head runs.
     */
    private ForwardResult result(List<String> layers, List<String> tensors, List<String> views, Map<String, Tensor> out,
                                 boolean gradients, List<String> cuts) {
        Map<String, Tensor> acts = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Map<String, Tensor> raw = new HashMap<>();
        Map<String, TokenReshape> reshapes = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            TokenReshape r = reshapeOf(tensors.get(i), layers.get(i));
            raw.put(layers.get(i), out.get(tensors.get(i)));
            reshapes.put(layers.get(i), r);
            acts.put(layers.get(i), r.toNchw(out.get(views.get(i))));
            if (gradients) {
                grads.put(layers.get(i), r.toNchw(out.get(GradientGraphBuilder.GRAD_PREFIX + i)));
            }
        }
        Map<String, Tensor> cutValues = new HashMap<>();
        cuts.forEach(c -> cutValues.put(c, out.get(c)));
        return new ForwardResult(out.get(output.name()), acts, grads, new HeadState(raw, cutValues, reshapes));
    }

    /**
     * Masked inputs built inside the graph: the images go in once (N x C x H x W), the masks as one channel
     * (K x H x W) with each row's source image index; Gather and Mul make the K masked inputs on the device.
     * Models with a fixed batch dimension use the host-side default.
     */
    @Override
    public Tensor forwardMasked(Tensor x, Tensor masks, int[] sourceImage) {
        if (input.shape()[0] > 0) {
            return ExplainableModel.super.forwardMasked(x, masks, sourceImage);
        }
        checkInput(x);
        OrtRunner runner = session("masked", () -> new GradientGraphBuilder(graph, facts, output.name())
                .maskedInput(input.name(), input.shape().length, input.layout() == Layout.NHWC ? 3 : 1));
        Tensor source = Tensor.zeros(sourceImage.length);
        for (int r = 0; r < sourceImage.length; r++) {
            source.put(r, sourceImage[r]);
        }
        return runner.run(Map.of(GradientGraphBuilder.MASK_IMAGES, x, GradientGraphBuilder.MASKS, masks,
                GradientGraphBuilder.MASK_SOURCE, source), Set.of(output.name())).get(output.name());
    }

    /**
     * {@link ActivationMemory}'s peak over every node output, probed once per input size, per image; -1 (unknown)
     * when a probe of every tensor cannot run (the estimate only sizes batches: it never fails a computation).
     */
    @Override
    public long activationBytesPerImage(Tensor x) {
        checkInput(x);
        try {
            ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), x);
        } catch (IllegalStateException e) {
            return -1;
        }
        return ActivationMemory.peakBytes(graph, facts, input.name()) / probeBatchSize();
    }

    @Override
    public ForwardResult activations(Tensor x, List<String> layers) {
        checkInput(x);
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, output.name());
        List<String> views = tensors.stream().map(this::viewOf).toList();
        List<String> wanted = new ArrayList<>(tensors);
        views.stream().filter(v -> !wanted.contains(v)).forEach(wanted::add);
        ensureFacts(new LinkedHashSet<>(wanted), x);
        OrtRunner runner = session("prefix|" + wanted, () -> builder.prefix(wanted));
        Map<String, Tensor> out = run(runner, Map.of(input.name(), x), Set.of());
        return result(layers, tensors, views, out, false, List.of());
    }

    /** The original model with extra outputs. */
    private ModelProto withOutputs(List<String> tensors, List<String> extra) {
        ModelProto.Builder b = graph.model().toBuilder();
        var g = b.getGraphBuilder();
        Set<String> names = new LinkedHashSet<>();
        g.getOutputList().forEach(o -> names.add(o.getName()));
        List<String> all = new ArrayList<>(tensors);
        all.addAll(extra);
        for (String t : all) {
            if (names.add(t) && !graph.isGraphInput(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                        .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
            }
        }
        return b.build();
    }

    /**
     * Seeds of the backward pass: fixed weights for linear targets and the in-graph top class for {@code null};
     * other targets get their seed from a first forward pass.
     */
    private void seeds(Tensor x, List<Target> targets, Map<String, Tensor> feeds) {
        seeds(x.dim(0), targets, () -> predict(x), feeds);
    }

    private void seeds(int n, List<Target> targets, Supplier<Tensor> outputs, Map<String, Tensor> feeds) {
        long[] ys = facts.shape(output.name());
        int[] row = new int[ys.length - 1];
        for (int i = 0; i < row.length; i++) {
            row[i] = (int) ys[i + 1];
        }
        Tensor top = Tensor.zeros(n);
        boolean allLinear = targets.stream().allMatch(t -> t == null || t.isLinear());
        Tensor seed;
        if (allLinear) {
            List<Tensor> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Target t = targets.get(i);
                rows.add(t == null ? Tensor.zeros(row) : t.seed(Tensor.zeros(row)));
                top.put(i, t == null ? 1f : 0f);
            }
            seed = Tensor.stack(rows);
        } else {
            seed = Targets.seeds(targets, outputs.get());
        }
        feeds.put(GradientGraphBuilder.SEED, seed);
        feeds.put(GradientGraphBuilder.TOP_CLASS, top);
    }

    private HeadState headState(ForwardResult prefix, String layer) {
        if (!(prefix.state() instanceof HeadState state) || !state.raw().containsKey(layer)) {
            throw new IllegalArgumentException("head runs need a forward result of this model for layer '" + layer + "'");
        }
        return state;
    }

    @Override
    public Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix) {
        HeadState state = headState(prefix, layer);
        return runHead(layer, state.reshapes().get(layer).toRaw(activations, state.raw().get(layer), sourceImage),
                sourceImage, state);
    }

    @Override
    public Tensor forwardHeadAblated(String layer, int[] sourceImage, int[] channels, float[] values,
                                     ForwardResult prefix) {
        HeadState state = headState(prefix, layer);
        Tensor raw = state.raw().get(layer);
        int[] shape = raw.shape();
        shape[0] = sourceImage.length;
        Tensor rows = Tensor.zeros(shape);
        TokenReshape reshape = state.reshapes().get(layer);
        for (int r = 0; r < sourceImage.length; r++) {
            Tensor row = rows.slice(r);
            row.copyFrom(raw.slice(sourceImage[r]));
            int[] span = reshape.channelSpan(row, channels[r]);
            for (int i = span[0]; i < span[1]; i += span[2]) {
                row.put(i, values[r]);
            }
        }
        return runHead(layer, rows, sourceImage, state);
    }

    @Override
    public Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                               List<Target> targets) {
        HeadState state = headState(prefix, layer);
        String tensor = resolver.resolve(layer);
        TokenReshape reshape = state.reshapes().get(layer);
        Tensor raw = reshape.toRaw(activations, state.raw().get(layer), sourceImage);
        OrtRunner runner = session("headgrad|" + tensor, () -> {
            OnnxGraph head = new OnnxGraph(new GradientGraphBuilder(graph, facts, output.name()).head(tensor));
            return new GradientGraphBuilder(head, facts.forGraph(head), output.name())
                    .gradients(List.of(tensor), false, List.of());
        });
        Map<String, Tensor> feeds = headFeeds(tensor, raw, sourceImage, state);
        seeds(sourceImage.length, targets, () -> runHead(layer, raw, sourceImage, state), feeds);
        Tensor grad = runner.run(feeds, Set.of(GradientGraphBuilder.GRAD_PREFIX + 0)).get(GradientGraphBuilder.GRAD_PREFIX + 0);
        return reshape.toNchw(grad);
    }

    /**
     * A second backward pass through the head's gradient graph ({@link org.cam4j.onnx.graph.SecondOrderGraph}): the
     * seed-weighted curvature of the outputs, plus for non-linear targets J^T (d2S/dy2) J v, with J v from the same
     * pass (the gradient with respect to the seed) and the targets' Hessians.
     */
    @Override
    public Tensor hessianVectorProduct(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                       List<Target> targets, Tensor vector) {
        HeadState state = headState(prefix, layer);
        String tensor = resolver.resolve(layer);
        TokenReshape reshape = state.reshapes().get(layer);
        Tensor base = state.raw().get(layer);
        Tensor raw = reshape.toRaw(activations, base, sourceImage);
        Map<String, Tensor> feeds = headFeeds(tensor, raw, sourceImage, state);
        seeds(sourceImage.length, targets, () -> runHead(layer, raw, sourceImage, state), feeds);
        // the vector has no component outside the grid (a class token keeps its value): zeros there
        feeds.put(org.cam4j.onnx.graph.SecondOrderGraph.VECTOR,
                reshape.toRaw(vector, Tensor.zeros(base.shape()), sourceImage));
        OrtRunner runner;
        try {
            runner = session("hvp|" + tensor + "|" + sourceImage.length, () -> org.cam4j.onnx.graph
                    .SecondOrderGraph.build(graph, facts, output.name(), tensor, feeds));
        } catch (org.cam4j.onnx.grad.UnsupportedGradientException e) {
            throw new UnsupportedOperationException("no second backward pass: " + e.getMessage(), e);
        }
        Map<String, Tensor> out = runner.run(feeds, Set.of(org.cam4j.onnx.graph.SecondOrderGraph.LAYER_TERM,
                org.cam4j.onnx.graph.SecondOrderGraph.SEED_TERM));
        Tensor hvp = reshape.toNchw(out.get(org.cam4j.onnx.graph.SecondOrderGraph.LAYER_TERM));
        if (targets.stream().allMatch(t -> t == null || t.isLinear())) {
            return hvp;
        }
        return org.cam4j.model.TargetCurvature.add(this, layer, activations, sourceImage, prefix, targets,
                runHead(layer, raw, sourceImage, state), out.get(org.cam4j.onnx.graph.SecondOrderGraph.SEED_TERM),
                hvp);
    }

    @Override
    public boolean channelIsZero(String layer, int image, int channel, ForwardResult prefix) {
        HeadState state = headState(prefix, layer);
        Tensor raw = state.raw().get(layer).slice(image);
        int[] span = state.reshapes().get(layer).channelSpan(raw, channel);
        for (int i = span[0]; i < span[1]; i += span[2]) {
            if (raw.at(i) != 0f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public float layerMin(String layer, int image, ForwardResult prefix) {
        return headState(prefix, layer).raw().get(layer).slice(image).min();
    }

    /** Runs the head graph on raw-layout layer rows, with the cut tensors of each row's source image. */
    private Tensor runHead(String layer, Tensor rawRows, int[] sourceImage, HeadState state) {
        String tensor = resolver.resolve(layer);
        OrtRunner runner = session("head|" + tensor,
                () -> new GradientGraphBuilder(graph, facts, output.name()).head(tensor));
        return runner.run(headFeeds(tensor, rawRows, sourceImage, state), Set.of(output.name())).get(output.name());
    }

    /** The layer rows plus, for each cut tensor, the rows of each row's source image. */
    private Map<String, Tensor> headFeeds(String tensor, Tensor rawRows, int[] sourceImage, HeadState state) {
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(tensor, rawRows);
        for (String c : new GradientGraphBuilder(graph, facts, output.name()).cutTensors(tensor)) {
            Tensor all = state.cuts().get(c);
            List<Tensor> rows = new ArrayList<>();
            for (int s : sourceImage) {
                rows.add(all.slice(s));
            }
            feeds.put(c, Tensor.stack(rows));
        }
        return feeds;
    }

    @Override
    public FullGradTerms fullGradTerms(Tensor x, List<Target> targets) {
        checkInput(x);
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, output.name());
        Set<String> reach = builder.ancestors(output.name());
        List<String> sources = new ArrayList<>(List.of(input.name()));
        List<float[]> biases = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            float[] bias = biasOf(n);
            if (bias != null && reach.contains(n.getOutput(0))) {
                sources.add(n.getOutput(0));
                biases.add(bias);
            }
        }
        ensureFacts(builder.tensorsToProbe(sources), x);
        OrtRunner runner = session("fullgrad", () -> builder.gradients(sources, false, List.of()));
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        seeds(x, targets, feeds);
        Map<String, Tensor> out = run(runner, feeds, Set.of());
        List<FullGradTerms.Bias> terms = new ArrayList<>();
        for (int i = 1; i < sources.size(); i++) {
            terms.add(new FullGradTerms.Bias(sources.get(i), biases.get(i - 1),
                    out.get(GradientGraphBuilder.GRAD_PREFIX + i)));
        }
        return new FullGradTerms(out.get(GradientGraphBuilder.GRAD_PREFIX + 0), terms);
    }

    /** The bias a Conv adds, or an inference BatchNormalization's beta - mean * gamma / sqrt(var + eps). */
    private float[] biasOf(NodeProto n) {
        if (n.getOpType().equals("Conv") && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            return facts.floats(n.getInput(2));
        }
        if (n.getOpType().equals("BatchNormalization")) {
            float[] gamma = facts.floats(n.getInput(1));
            float[] beta = facts.floats(n.getInput(2));
            float[] mean = facts.floats(n.getInput(3));
            float[] var = facts.floats(n.getInput(4));
            if (gamma == null || beta == null || mean == null || var == null) {
                return null;
            }
            return FullGradTerms.batchNormBias(gamma, beta, mean, var,
                    org.cam4j.onnx.graph.Attributes.getFloat(n, "epsilon", 1e-5f));
        }
        return null;
    }

    @Override
    public Tensor inputGradient(Tensor x, List<Target> targets, boolean guided) {
        checkInput(x);
        List<String> sources = List.of(input.name());
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, output.name());
        ensureFacts(builder.tensorsToProbe(sources), x);
        OrtRunner runner = session((guided ? "guided|" : "inputgrad|"), () -> builder.gradients(sources, guided, List.of()));
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        seeds(x, targets, feeds);
        return run(runner, feeds, Set.of(GradientGraphBuilder.GRAD_PREFIX + 0)).get(GradientGraphBuilder.GRAD_PREFIX + 0);
    }

    /** The gradient-augmented model for these layers, as written by {@code cam export}. */
    public ModelProto augmented(List<String> layers, Tensor sample) {
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, output.name());
        ensureFacts(builder.tensorsToProbe(tensors), sample);
        return builder.gradients(tensors, false, List.of());
    }

    @Override
    public List<LayerInfo> layers() {
        ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), Tensor.zeros(sampleShape()));
        return LayerCatalog.layers(graph, facts, probed, output.name(), input.shape()[0]);
    }

    @Override
    public List<String> detectorLevels() {
        ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), Tensor.zeros(sampleShape()));
        return org.cam4j.onnx.graph.DetectorHeads.levels(graph, facts,
                new GradientGraphBuilder(graph, facts, output.name()));
    }

    /** A batch shape for probing: the input's, with symbolic sizes as 1 image of 224 x 224 (3 channels). */
    private int[] sampleShape() {
        long[] s = input.shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            boolean spatial = input.layout() == Layout.NHWC ? i == 1 || i == 2 : i >= 2;
            out[i] = s[i] > 0 ? (int) s[i] : i == 0 ? 1 : spatial ? 224 : 3;
        }
        return out;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        sessions.values().forEach(OrtRunner::close);
        sessions.clear();
    }
}
