package org.cam4j.tensorflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.HeadForward;
import org.cam4j.model.InputGradients;
import org.cam4j.model.SecondOrder;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.FullGradTerms;
import org.cam4j.model.LayerInfo;
import org.cam4j.tensor.Layout;
import org.cam4j.model.ModelOptions;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.cam4j.errors.InvalidInputException;
import org.cam4j.errors.InvalidModelException;
import org.cam4j.errors.UnsupportedModelException;

/**
 * A SavedModel or frozen graph, inlined and restored into one {@link Graph} and {@link Session}. The score is the
 * pre-softmax logits when the model ends in a Softmax (as for ONNX models). Gradients come from
 * {@code Graph.addGradients}: the backward pass of the logits seeded with a fed weight tensor (the targets), built
 * once per set of layers and reused for every batch. Head passes feed the layer's tensor (and the input, for
 * tensors that bypass the layer). Layers are NHWC in the graph and N x C x h x w for methods.
 */
final class TensorFlowModel implements ExplainableModel, HeadForward, SecondOrder, InputGradients {
    private final Path path;
    private final SavedModelFile file;
    private final ModelOptions options;
    private final org.tensorflow.proto.GraphDef inlined;
    private final TfGraphSession main;
    private final Graph graph;
    /** The guided-ReLU copy of the graph, loaded on first use. */
    private TfGraphSession guided;
    private final String inputTensor;
    private final String logits;
    private final TensorInfo input;
    private final TensorInfo output;
    private final TfLayers layers;

    /** What a forward pass keeps for head runs: the input batch and the raw (NHWC) layer tensors. */
    private record HeadState(Tensor input, Map<String, String> tensors) {
    }

    TensorFlowModel(Path path, SavedModelFile file, ModelOptions options) {
        this.path = path;
        this.file = file;
        this.options = options;
        this.inlined = new FunctionInliner(file.graph(), FunctionInliner.registeredOps())
                .inline(file.graph(), List.of(file.output()));
        this.main = TfGraphSession.load(path, inlined, file, options);
        this.graph = main.graph();
        this.inputTensor = file.input();
        this.logits = beforeSoftmax(file.output());
        Output<?> in = graph.outputOrThrow(inputTensor);
        long[] shape = in.shape().asArray();
        if (in.dataType() != DataType.DT_FLOAT || shape == null || shape.length != 4) {
            close();
            throw new InvalidModelException(path + ": input '" + inputTensor + "' is " + in.dataType() + " "
                    + in.shape() + "; cam4j explains image models with a float N x H x W x C (or N x C x H x W) input");
        }
        boolean nhwc = (shape[3] == 1 || shape[3] == 3) && shape[1] != 1 && shape[1] != 3;
        this.input = new TensorInfo(inputTensor, shape, nhwc ? Layout.NHWC : Layout.NCHW);
        long[] out = graph.outputOrThrow(logits).shape().asArray();
        this.output = new TensorInfo(logits, out == null ? new long[] {-1, -1} : out, Layout.NCHW);
        this.layers = new TfLayers(graph, inputTensor, logits);
    }

    /** Intra-op threads, and the GPU when asked for (checked to exist: a one-line error where it does not). */
    static org.tensorflow.proto.ConfigProto config(ModelOptions options) {
        var config = org.tensorflow.proto.ConfigProto.newBuilder();
        if (options.threads() > 0) {
            config.setIntraOpParallelismThreads(options.threads()).setInterOpParallelismThreads(options.threads());
        }
        int gpu = options.cudaDevice();
        if (gpu < 0) {
            config.putDeviceCount("GPU", 0);
        } else {
            requireGpu(gpu);
            config.setGpuOptions(org.tensorflow.proto.GPUOptions.newBuilder().setVisibleDeviceList(String.valueOf(gpu)));
        }
        return config.build();
    }

    /** Runs one op on the GPU (a fed square: constants would be folded on the CPU); fails without a usable GPU. */
    private static void requireGpu(int index) {
        try (Graph g = new Graph()) {
            org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
            var p = tf.withName("p").placeholder(org.tensorflow.types.TFloat32.class);
            tf.withName("probe").withDevice(org.tensorflow.DeviceSpec.newBuilder()
                    .deviceType(org.tensorflow.DeviceSpec.DeviceType.GPU).deviceIndex(0).build()).math.square(p);
            var config = org.tensorflow.proto.ConfigProto.newBuilder().setAllowSoftPlacement(false)
                    .setGpuOptions(org.tensorflow.proto.GPUOptions.newBuilder().setVisibleDeviceList(
                            String.valueOf(index))).build();
            try (Session s = new Session(g, config); var two = org.tensorflow.types.TFloat32.scalarOf(2f);
                 Result r = s.runner().feed("p", two).fetch("probe").run()) {
                r.get(0);
            }
        } catch (RuntimeException e) {
            throw new InvalidInputException("cannot use GPU " + index + " with TensorFlow (" + firstLine(e)
                    + "); the GPU needs the -Pgpu build (TensorFlow's linux-x86_64-gpu natives) and CUDA, or use"
                    + " the cpu device").naming("device");
        }
    }

    static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    /** The input of a final Softmax, looking through Identity and IdentityN ops; else the tensor itself. */
    private String beforeSoftmax(String tensor) {
        Output<?> t = graph.outputOrThrow(tensor);
        while (true) {
            GraphOperation op = (GraphOperation) t.op();
            switch (op.type()) {
                case "Identity" -> t = op.input(0);
                case "IdentityN" -> t = op.input(t.index());
                case "Softmax" -> {
                    Output<?> in = op.input(0);
                    return in.op().name() + ":" + in.index();
                }
                default -> {
                    return tensor;
                }
            }
        }
    }

    @Override
    public long activationBytesPerImage(Tensor x) {
        return TfActivationMemory.perImage(graph, inputTensor, logits, 4L * x.size() / x.dim(0));
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
    public List<LayerInfo> layers() {
        return layers.candidates();
    }

    @Override
    public Tensor inputGradient(Tensor x, List<Target> targets, boolean guided) {
        if (guided) {
            return gradientsAt(guidedSession(), x, targets, List.of(inputTensor)).get(0);
        }
        return gradientsAt(main, x, targets, List.of(inputTensor)).get(0);
    }

    /**
     * FullGrad's terms: the input gradient and, for every convolution's BiasAdd and every FusedBatchNorm on the data
     * path, the bias (for batch norm: offset - mean * scale / sqrt(var + eps)) and the gradient at its output.
     */
    @Override
    public FullGradTerms fullGradTerms(Tensor x, List<Target> targets) {
        checkInput(x);
        Set<GraphOperation> path = TfLayers.between(graph.outputOrThrow(inputTensor).op(),
                graph.outputOrThrow(logits).op());
        List<String> sources = new ArrayList<>(List.of(inputTensor));
        List<float[]> biases = new ArrayList<>();
        for (java.util.Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            float[] bias = path.contains(op) ? biasOf(op) : null;
            if (bias != null) {
                sources.add(op.name() + ":0");
                biases.add(bias);
            }
        }
        List<Tensor> grads = gradientsAt(main, x, targets, sources);
        List<FullGradTerms.Bias> terms = new ArrayList<>();
        for (int i = 1; i < sources.size(); i++) {
            terms.add(new FullGradTerms.Bias(sources.get(i), biases.get(i - 1), TfTensors.toNchw(grads.get(i))));
        }
        return new FullGradTerms(grads.get(0), terms);
    }

    /** A convolution's bias (BiasAdd after Conv2D), or an inference batch norm's folded bias; else null. */
    private float[] biasOf(GraphOperation op) {
        if (op.type().equals("BiasAdd") && List.of("Conv2D", "DepthwiseConv2dNative").contains(op.input(0).op().type())) {
            return value(op.input(1)).toArray();
        }
        if (op.type().startsWith("FusedBatchNorm") && !op.type().startsWith("FusedBatchNormGrad")) {
            return FullGradTerms.batchNormBias(value(op.input(1)).toArray(), value(op.input(2)).toArray(),
                    value(op.input(3)).toArray(), value(op.input(4)).toArray(), op.attributes().getAttrFloat("epsilon"));
        }
        return null;
    }

    /** A tensor that does not depend on the input (a constant or a restored variable). */
    private Tensor value(Output<?> t) {
        return run(Map.of(), List.of(name(t))).get(0);
    }

    /** Gradients of the targets' scores at these tensors, in the graph's layout, on one of the graphs. */
    private List<Tensor> gradientsAt(TfGraphSession on, Tensor x, List<Target> targets, List<String> tensors) {
        checkInput(x);
        TfGraphSession.GradientOps g = on.gradientOps(tensors, logits, path);
        Map<String, Tensor> feeds = new HashMap<>(Map.of(inputTensor, x));
        feeds.put(name(g.seed()), Targets.seeds(targets, predict(x)));
        return on.run(feeds, tensors.stream().map(t -> name(g.byTensor().get(t))).toList());
    }

    private synchronized TfGraphSession guidedSession() {
        if (guided == null) {
            GuidedRelu.register();
            guided = TfGraphSession.load(path, GuidedRelu.rewrite(inlined), file, options);
        }
        return guided;
    }

    @Override
    public Tensor predict(Tensor x) {
        checkInput(x);
        return run(Map.of(inputTensor, x), List.of(logits)).get(0);
    }

    @Override
    public ForwardResult forward(Tensor x, List<String> layerNames, List<Target> targets, boolean withGradients) {
        checkInput(x);
        if (targets.size() != x.dim(0)) {
            throw new InvalidInputException("got " + targets.size() + " targets for " + x.dim(0) + " images");
        }
        List<String> tensors = layerNames.stream().map(this::layerTensor).toList();
        List<String> fetch = new ArrayList<>(tensors);
        fetch.add(logits);
        Map<String, Tensor> feeds = new HashMap<>(Map.of(inputTensor, x));
        List<Tensor> values;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        if (withGradients) {
            TfGraphSession.GradientOps g = main.gradientOps(tensors, logits, path);
            boolean linear = targets.stream().allMatch(Target::isLinear);
            Tensor out = linear ? null : predict(x);
            Tensor seeds = Targets.seeds(targets, linear ? Tensor.zeros(outputShape(x.dim(0))) : out);
            feeds.put(name(g.seed()), seeds);
            tensors.forEach(t -> fetch.add(name(g.byTensor().get(t))));
            values = run(feeds, fetch);
            for (int i = 0; i < tensors.size(); i++) {
                grads.put(layerNames.get(i), TfTensors.toNchw(values.get(tensors.size() + 1 + i)));
            }
        } else {
            values = run(feeds, fetch);
        }
        return result(x, layerNames, tensors, values, values.get(tensors.size()), grads);
    }

    /** Only the layers: TensorFlow runs just the ops they depend on (the prefix of the network). */
    @Override
    public ForwardResult activations(Tensor x, List<String> layerNames) {
        checkInput(x);
        List<String> tensors = layerNames.stream().map(this::layerTensor).toList();
        return result(x, layerNames, tensors, run(Map.of(inputTensor, x), tensors), null, Map.of());
    }

    /** A forward result from fetched values whose first entries are the layers' tensors (NHWC), in order. */
    private ForwardResult result(Tensor x, List<String> layerNames, List<String> tensors, List<Tensor> values,
                                 Tensor output, Map<String, Tensor> grads) {
        Map<String, Tensor> acts = new LinkedHashMap<>();
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            acts.put(layerNames.get(i), TfTensors.toNchw(values.get(i)));
            raw.put(layerNames.get(i), tensors.get(i));
        }
        return new ForwardResult(output, acts, grads, new HeadState(x, raw));
    }

    @Override
    public Tensor forwardHead(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix) {
        HeadState state = headState(prefix, layer);
        return run(headFeeds(state, layer, activations, sourceImage), List.of(logits)).get(0);
    }

    @Override
    public Tensor headGradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                               List<Target> targets) {
        HeadState state = headState(prefix, layer);
        String tensor = state.tensors().get(layer);
        TfGraphSession.GradientOps g = main.gradientOps(List.of(tensor), logits, path);
        Map<String, Tensor> feeds = headFeeds(state, layer, activations, sourceImage);
        Tensor out = run(feeds, List.of(logits)).get(0);
        feeds.put(name(g.seed()), Targets.seeds(targets, out));
        return TfTensors.toNchw(run(feeds, List.of(name(g.byTensor().get(tensor)))).get(0));
    }

    /**
     * TensorFlow's gradients of its gradients ({@link TfGraphSession#secondOrderOps}); non-linear targets add
     * J^T (d2S/dy2) J v from their Hessians, J v being the second pass's gradient with respect to the seed.
     */
    @Override
    public Tensor hessianVectorProduct(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix,
                                       List<Target> targets, Tensor vector) {
        HeadState state = headState(prefix, layer);
        String tensor = state.tensors().get(layer);
        TfGraphSession.SecondOrderOps ops = main.secondOrderOps(tensor, logits, path);
        Map<String, Tensor> feeds = headFeeds(state, layer, activations, sourceImage);
        Tensor out = run(feeds, List.of(logits)).get(0);
        feeds.put(name(ops.first().seed()), Targets.seeds(targets, out));
        feeds.put(name(ops.vector()), TfTensors.toNhwc(vector));
        boolean linear = targets.stream().allMatch(t -> Targets.isTopClass(t) || t.isLinear());
        if (!linear && ops.seedTerm() == null) {
            throw new UnsupportedOperationException("TensorFlow gives no J v at " + tensor);
        }
        // the layer term and, for non-linear targets, J v from one run of the second pass
        List<String> fetch = new ArrayList<>();
        if (ops.layerTerm() != null) {
            fetch.add(name(ops.layerTerm()));
        }
        if (!linear) {
            fetch.add(name(ops.seedTerm()));
        }
        List<Tensor> values = fetch.isEmpty() ? List.of() : run(feeds, fetch);
        Tensor hvp = ops.layerTerm() == null ? Tensor.zeros(activations.shape()) : TfTensors.toNchw(values.get(0));
        if (linear) {
            return hvp;
        }
        return org.cam4j.model.TargetCurvature.add(this, layer, activations, sourceImage, prefix, targets, out,
                values.get(values.size() - 1), hvp);
    }

    private Map<String, Tensor> headFeeds(HeadState state, String layer, Tensor activations, int[] sourceImage) {
        List<Tensor> rows = new ArrayList<>();
        for (int s : sourceImage) {
            rows.add(state.input().slice(s));
        }
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(inputTensor, Tensor.stack(rows));
        feeds.put(state.tensors().get(layer), TfTensors.toNhwc(activations));
        return feeds;
    }

    private static HeadState headState(ForwardResult prefix, String layer) {
        if (!(prefix.state() instanceof HeadState s) || !s.tensors().containsKey(layer)) {
            throw new IllegalArgumentException("head runs need a forward result of this model for layer '" + layer
                    + "'");
        }
        return s;
    }

    private String layerTensor(String layer) {
        String tensor = layers.resolve(layer);
        if (tensor.equals(inputTensor)) {
            throw new InvalidInputException("'" + layer + "' is the model's input, not a layer inside it; choose"
                    + " a layer from 'cam layers'");
        }
        long[] s = graph.outputOrThrow(tensor).shape().asArray();
        if (s == null || s.length != 4) {
            throw new UnsupportedModelException("layer '" + layer + "' (" + tensor + ") is not a 4-d feature map"
                    + " (shape " + graph.outputOrThrow(tensor).shape() + "); choose a layer from 'cam layers'");
        }
        return tensor;
    }

    private int[] outputShape(int n) {
        long[] s = output.shape();
        int[] shape = new int[s.length];
        shape[0] = n;
        for (int i = 1; i < s.length; i++) {
            shape[i] = (int) Math.max(1, s[i]);
        }
        return shape;
    }

    private static String name(Output<?> o) {
        return TfGraphSession.name(o);
    }

    private void checkInput(Tensor x) {
        input.requireFits(x);
    }

    private List<Tensor> run(Map<String, Tensor> feeds, List<String> fetches) {
        return main.run(feeds, fetches);
    }

    /** Tensors, then sessions, then graphs: closing a graph with an open session blocks forever. */
    @Override
    public synchronized void close() {
        if (guided != null) {
            guided.close();
        }
        main.close();
    }
}
