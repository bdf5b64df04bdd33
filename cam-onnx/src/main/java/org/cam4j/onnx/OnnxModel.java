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
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.HeadForward;
import org.cam4j.model.InputGradients;
import org.cam4j.model.MaskedForward;
import org.cam4j.model.SecondOrder;
import org.cam4j.model.WeightRandomization;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.FullGradTerms;
import org.cam4j.model.LayerInfo;
import org.cam4j.tensor.Layout;
import org.cam4j.model.ModelOptions;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.onnx.graph.ActivationMemory;
import org.cam4j.onnx.autodiff.GradientGraphBuilder;
import org.cam4j.onnx.autodiff.GraphCuts;
import org.cam4j.onnx.autodiff.MaskedInputGraph;
import org.cam4j.onnx.analysis.HeadLinearity;
import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.analysis.LayerCatalog;
import org.cam4j.onnx.graph.LayerResolver;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.OutputSelection;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * An ONNX model opened for explanation. Gradient-augmented, head and plain variants are built on first use and
 * their ONNX Runtime sessions cached until {@link #close}. Batches larger than a fixed batch dimension are split
 * and joined.
 */
public final class OnnxModel implements ExplainableModel, HeadForward, SecondOrder, InputGradients, MaskedForward,
        WeightRandomization {
    private final Path path;
    private final ModelOptions options;
    private final OnnxGraph graph;
    private final LayerResolver resolver;
    private final TensorFacts facts;
    private final OnnxSessions sessions;
    private final HeadRunner heads;
    private final TensorInfo input;
    private final TensorInfo output;
    private final List<TensorInfo> allOutputs;
    private final Set<String> softmaxOutputs;
    private final Reachability reach;
    /** The model file as read: its weights are views of its pages. */
    private final OnnxModelFile.Stamp stamp;
    private final Runnable onClose;

    OnnxModel(Path path, ModelOptions options) {
        this(path, options, () -> { });
    }

    /** A model whose {@link #close} also runs {@code onClose} (a temporary file it was read from is deleted). */
    private OnnxModel(Path path, ModelOptions options, Runnable onClose) {
        this.onClose = onClose;
        this.path = path;
        this.options = options;
        OrtRunner.warmUp();
        OnnxModelFile.Read read = OnnxModelFile.readWithDigest(path);
        ModelProto model = read.model();
        if (org.cam4j.onnx.graph.UnbatchedInput.applies(model)) {
            // torchvision's detectors take one 3 x H x W image: seen as a batch of one
            model = org.cam4j.onnx.graph.UnbatchedInput.batched(model);
        }
        String chosenOutputs = options.backendOption(ModelOptions.OUTPUTS, null);
        this.allOutputs = model.getGraph().getOutputList().stream().map(OnnxModel::info).toList();
        ModelProto original = model;
        this.softmaxOutputs = allOutputs.stream().map(TensorInfo::name)
                .filter(o -> OutputSelection.softmaxMaking(original, o) != null).collect(java.util.stream.Collectors.toSet());
        if (chosenOutputs != null) {
            model = OutputSelection.select(model, OutputSelection.byElementType(model,
                    List.of(chosenOutputs.split(",")), path.toString()), path.toString());
        }
        try (org.cam4j.timing.Timings.Phase t = org.cam4j.timing.Timings.phase("index and check the graph")) {
            this.graph = new OnnxGraph(model);
            ModelRequirements.check(path, graph);
        }
        this.resolver = new LayerResolver(graph);
        this.facts = new TensorFacts(graph);
        this.input = info(graph.inputs().get(0));
        TensorInfo declared = info(graph.outputs().get(0));
        this.reach = new Reachability(graph, declared.name());
        options.cudaDevice();
        String identity = read.digest() + "|" + (chosenOutputs == null ? "" : chosenOutputs);
        this.stamp = read.stamp();
        this.sessions = new OnnxSessions(graph, facts, input, new FactsCache(identity),
                new GraphCache(identity, options), stamp::requireUnchanged);
        this.heads = new HeadRunner(graph, facts, declared.name(), reach, resolver, sessions);
        // the plain session is made when first needed (inference, the floor of cam bench): an explain run with
        // gradients never uses it, and making it cost a serialisation of the model and a session
        this.output = declared.shape().length > 0 ? declared : probedShape(declared);
    }

    /** An output chosen inside the graph (an embedding) declares no shape: its probed one, batch symbolic. */
    private TensorInfo probedShape(TensorInfo declared) {
        sessions.ensureFacts(Set.of(declared.name()), Tensor.zeros(sampleShape()));
        long[] shape = facts.shape(declared.name()).clone();
        if (shape.length > 0) {
            shape[0] = -1;
        }
        return new TensorInfo(declared.name(), shape, Layout.NCHW);
    }

    @Override
    public boolean headIsPiecewiseLinear(String layer) {
        return HeadLinearity.isPiecewiseLinear(reach,
                resolver.resolve(layer));
    }

    /** A copy of this model with its last {@code layers} parameterised layers randomised ({@link WeightRandomizer}). */
    @Override
    public ExplainableModel withRandomizedLayers(int layers, long seed) {
        stamp.requireUnchanged();
        ModelProto randomised = WeightRandomizer.randomize(graph, facts, layers, seed);
        try {
            Path file = java.nio.file.Files.createTempFile("cam4j-randomised", ".onnx");
            // the copy's weights are views of the file's pages, so the file lives as long as the copy
            Runnable delete = () -> {
                try {
                    java.nio.file.Files.deleteIfExists(file);
                } catch (java.io.IOException e) {
                    file.toFile().deleteOnExit();
                }
            };
            try {
                java.nio.file.Files.write(file, randomised.toByteArray());
                // the copy already has the chosen output only
                java.util.Map<String, String> backend = new HashMap<>(options.backend());
                backend.remove(ModelOptions.OUTPUTS);
                return new OnnxModel(file, new ModelOptions(options.device(), options.threads(), options.reshape(),
                        options.inplaceReluView(), backend), delete);
            } catch (RuntimeException | java.io.IOException e) {
                delete.run();
                throw e;
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

    /** The model's graph as opened (unbatched inputs batched, chosen outputs selected). */
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

    /** The tensor a layer name refers to (tensor, node, or PyTorch module path). */
    public String resolve(String layer) {
        return resolver.resolve(layer);
    }

    private void checkInput(Tensor x) {
        input.requireFits(x);
    }

    @Override
    public Tensor predict(Tensor x) {
        checkInput(x);
        OrtRunner plain = sessions.get(OnnxSessions.PLAIN, graph::model);
        return sessions.run(plain, Map.of(input.name(), x), Set.of(output.name())).get(output.name());
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

    @Override
    public ForwardResult forward(Tensor x, List<String> layers, List<Target> targets, boolean gradients) {
        checkInput(x);
        if (targets.size() != x.dim(0)) {
            throw new IllegalArgumentException("got " + targets.size() + " targets for " + x.dim(0) + " images");
        }
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        GradientGraphBuilder builder = builder();
        List<String> cuts = new ArrayList<>();
        for (String t : tensors) {
            for (String c : cuts().cutTensors(t)) {
                if (!cuts.contains(c)) {
                    cuts.add(c);
                }
            }
        }
        Set<String> needed = new LinkedHashSet<>(gradients ? builder.reachability().tensorsToProbe(tensors) : Set.of());
        needed.addAll(tensors);
        needed.addAll(cuts);
        needed.add(output.name());
        sessions.ensureFacts(needed, x);
        List<String> views = tensors.stream().map(this::viewOf).toList();
        // the model input, a cut when a head needs its shape, is at hand already
        List<String> extra = new ArrayList<>(cuts.stream().filter(c -> !graph.isGraphInput(c)).toList());
        views.stream().filter(v -> !tensors.contains(v) && !extra.contains(v)).forEach(extra::add);
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        Map<String, Tensor> out;
        if (gradients) {
            OrtRunner runner = sessions.get("grad|" + tensors, () -> builder.gradients(tensors, false, extra));
            seeds(x, targets, feeds);
            out = sessions.run(runner, feeds, Set.of());
        } else {
            OrtRunner runner = sessions.get("acts|" + tensors, () -> withOutputs(tensors, extra));
            out = sessions.run(runner, feeds, Set.of());
        }
        out = new HashMap<>(out);
        out.putIfAbsent(input.name(), x);
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
        return new ForwardResult(out.get(output.name()), acts, grads, new HeadRunner.State(raw, cutValues, reshapes));
    }

    /**
     * Masked inputs built inside the graph: the images go in once (N x C x H x W), the masks as one channel
     * (K x H x W) with each row's source image index; Gather and Mul make the K masked inputs on the device.
     * Models with a fixed batch dimension use the host-side default.
     */
    @Override
    public Tensor forwardMasked(Tensor x, Tensor masks, int[] sourceImage) {
        if (input.shape()[0] > 0) {
            return MaskedForward.byPredict(this, x, masks, sourceImage);
        }
        checkInput(x);
        OrtRunner runner = sessions.get(OnnxSessions.MASKED, () -> MaskedInputGraph.build(graph, input.name(),
                input.shape().length, input.layout() == Layout.NHWC ? 3 : 1));
        Tensor source = Tensor.zeros(sourceImage.length);
        for (int r = 0; r < sourceImage.length; r++) {
            source.put(r, sourceImage[r]);
        }
        return runner.run(Map.of(MaskedInputGraph.MASK_IMAGES, x, MaskedInputGraph.MASKS, masks,
                MaskedInputGraph.MASK_SOURCE, source), Set.of(output.name())).get(output.name());
    }

    /**
     * {@link ActivationMemory}'s peak over every node output, probed once per input size, per image; -1 (unknown)
     * when a probe of every tensor cannot run (the estimate only sizes batches: it never fails a computation).
     */
    @Override
    public long activationBytesPerImage(Tensor x) {
        checkInput(x);
        try {
            sessions.ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), x);
        } catch (IllegalStateException e) {
            return -1;
        }
        return ActivationMemory.peakBytes(graph, facts, input.name()) / sessions.probeBatchSize();
    }

    @Override
    public ForwardResult activations(Tensor x, List<String> layers) {
        checkInput(x);
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        List<String> views = tensors.stream().map(this::viewOf).toList();
        List<String> wanted = new ArrayList<>(tensors);
        views.stream().filter(v -> !wanted.contains(v)).forEach(wanted::add);
        sessions.ensureFacts(new LinkedHashSet<>(wanted), x);
        OrtRunner runner = sessions.get("prefix|" + wanted, () -> cuts().prefix(wanted));
        Map<String, Tensor> out = sessions.run(runner, Map.of(input.name(), x), Set.of());
        return result(layers, tensors, views, out, false, List.of());
    }

    /** The backward seeds of a batch ({@link BackwardSeeds}), from a plain inference when a target needs it. */
    private void seeds(Tensor x, List<Target> targets, Map<String, Tensor> feeds) {
        BackwardSeeds.put(x.dim(0), targets, facts.shape(output.name()), () -> predict(x), feeds);
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

    @Override
    public Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix) {
        return heads.forward(layer, activations, sourceImage, prefix);
    }

    @Override
    public Tensor forwardHeadAblated(String layer, int[] sourceImage, int[] channels, float[] values,
                                     ForwardResult prefix) {
        return heads.forwardAblated(layer, sourceImage, channels, values, prefix);
    }

    @Override
    public Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                               List<Target> targets) {
        return heads.gradient(layer, activations, sourceImage, prefix, targets);
    }

    @Override
    public Tensor hessianVectorProduct(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                       List<Target> targets, Tensor vector) {
        return heads.hessianVectorProduct(this, layer, activations, sourceImage, prefix, targets, vector);
    }

    @Override
    public boolean channelIsZero(String layer, int image, int channel, ForwardResult prefix) {
        return heads.channelIsZero(layer, image, channel, prefix);
    }

    @Override
    public float layerMin(String layer, int image, ForwardResult prefix) {
        return heads.layerMin(layer, image, prefix);
    }

    @Override
    public FullGradTerms fullGradTerms(Tensor x, List<Target> targets) {
        checkInput(x);
        GradientGraphBuilder builder = builder();
        Set<String> reach = builder.reachability().ancestors(output.name());
        List<String> sources = new ArrayList<>(List.of(input.name()));
        List<float[]> biases = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            float[] bias = biasOf(n);
            if (bias != null && reach.contains(n.getOutput(0))) {
                sources.add(n.getOutput(0));
                biases.add(bias);
            }
        }
        sessions.ensureFacts(builder.reachability().tensorsToProbe(sources), x);
        OrtRunner runner = sessions.get("fullgrad", () -> builder.gradients(sources, false, List.of()));
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        seeds(x, targets, feeds);
        Map<String, Tensor> out = sessions.run(runner, feeds, Set.of());
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
        GradientGraphBuilder builder = builder();
        sessions.ensureFacts(builder.reachability().tensorsToProbe(sources), x);
        OrtRunner runner = sessions.get((guided ? "guided|" : "inputgrad|"), () -> builder.gradients(sources, guided, List.of()));
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(input.name(), x);
        seeds(x, targets, feeds);
        return sessions.run(runner, feeds, Set.of(GradientGraphBuilder.GRAD_PREFIX + 0)).get(GradientGraphBuilder.GRAD_PREFIX + 0);
    }

    /** The gradient-augmented model for these layers, as written by {@code cam export}. */
    public ModelProto augmented(List<String> layers, Tensor sample) {
        List<String> tensors = layers.stream().map(resolver::resolve).toList();
        GradientGraphBuilder builder = builder();
        sessions.ensureFacts(builder.reachability().tensorsToProbe(tensors), sample);
        return builder.gradients(tensors, false, List.of());
    }

    @Override
    public List<LayerInfo> layers() {
        sessions.ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), Tensor.zeros(sampleShape()));
        return LayerCatalog.layers(graph, facts, sessions.probed(), output.name(), input.shape()[0]);
    }

    @Override
    public List<String> detectorLevels() {
        sessions.ensureFacts(new LinkedHashSet<>(graph.nodeOutputs()), Tensor.zeros(sampleShape()));
        return org.cam4j.onnx.analysis.DetectorHeads.levels(graph, facts, reach);
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
        sessions.close();
        onClose.run();
    }

    /** A graph builder over this model's one analysis (paths found for one batch are kept for the next). */
    private GradientGraphBuilder builder() {
        return new GradientGraphBuilder(graph, facts, output.name(), reach);
    }

    /** This model's prefix and head cuts, over its one analysis. */
    private GraphCuts cuts() {
        return new GraphCuts(graph, facts, output.name(), reach);
    }
}
