package org.cam4j.tensorflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.model.ModelOptions;
import org.cam4j.tensor.Tensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;

/**
 * One imported graph with its session and variables restored: runs by tensor name, and the backward passes built
 * on it ({@code Graph.addGradients} from the logits, seeded with a fed tensor), once per set of tensors. Closing
 * closes the session before the graph (the other order blocks forever).
 */
final class TfGraphSession implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final Map<String, GradientOps> gradients = new HashMap<>();

    /** The seed placeholder of one backward pass and the gradients it gives, per tensor. */
    record GradientOps(Output<?> seed, Map<String, Output<?>> byTensor) {
    }

    private TfGraphSession(Graph graph, Session session) {
        this.graph = graph;
        this.session = session;
    }

    /** Imports {@code def}, opens a session, restores the checkpoint and runs the init op the file names. */
    static TfGraphSession load(Path path, GraphDef def, SavedModelFile file, ModelOptions options) {
        Graph graph = new Graph();
        Session opened = null;
        try {
            graph.importGraphDef(def);
            opened = new Session(graph, TensorFlowModel.config(options));
            if (file.restoreOp() != null) {
                try (var name = org.tensorflow.types.TString.scalarOf(file.checkpoint())) {
                    opened.runner().feed(file.filenameTensor(), name).addTarget(FunctionInliner.nodeName(
                            file.restoreOp())).run().close();
                }
            }
            if (file.initOp() != null) {
                opened.runner().addTarget(file.initOp()).run().close();
            }
            return new TfGraphSession(graph, opened);
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            graph.close();
            throw new IllegalArgumentException("cannot load " + path + " into TensorFlow: "
                    + TensorFlowModel.firstLine(e), e);
        }
    }

    Graph graph() {
        return graph;
    }

    /** The backward pass from {@code logits} to these tensors, built once per set of tensors. */
    synchronized GradientOps gradientOps(List<String> tensors, String logits, Path path) {
        String key = String.join("|", tensors);
        GradientOps g = gradients.get(key);
        if (g != null) {
            return g;
        }
        Output<?> y = graph.outputOrThrow(logits);
        for (String t : tensors) {
            if (!TfLayers.between(graph.outputOrThrow(t).op(), y.op()).contains((GraphOperation) y.op())) {
                throw new IllegalArgumentException("layer " + t + " has no path to the model output " + logits
                        + "; choose a layer that feeds the output (see 'cam layers')");
            }
        }
        Output<?> seed = graph.opBuilder("Placeholder", "cam4j_seed_" + gradients.size(), graph.baseScope())
                .setAttr("dtype", DataType.DT_FLOAT).build().output(0);
        Output<?>[] xs = tensors.stream().map(graph::outputOrThrow).toArray(Output<?>[]::new);
        Output<?>[] dx;
        try {
            dx = graph.addGradients("cam4j_grad_" + gradients.size(), new Output<?>[] {y}, xs, new Output<?>[] {seed});
        } catch (RuntimeException e) {
            throw new UnsupportedOperationException("TensorFlow cannot differentiate " + path + " from " + logits
                    + " to " + tensors + ": " + TensorFlowModel.firstLine(e));
        }
        Map<String, Output<?>> byTensor = new LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            byTensor.put(tensors.get(i), dx[i]);
        }
        g = new GradientOps(seed, byTensor);
        gradients.put(key, g);
        return g;
    }

    /**
     * A second backward pass through one first: v fed, the layer term (curvature times v; null where the head has no
     * curvature, as a piecewise-linear one) and J v.
     */
    record SecondOrderOps(GradientOps first, Output<?> vector, Output<?> layerTerm, Output<?> seedTerm) {
    }

    private final Map<String, SecondOrderOps> secondOrder = new HashMap<>();
    /** Second passes attempted: names stay unique even after one TensorFlow could not build. */
    private int secondOrderAttempts;

    /**
     * Gradients of sum(g * v) with respect to the layer and the seed, for the first pass's gradient g of one layer:
     * TensorFlow's own gradients of its gradients, seeded with v ({@code addGradients} with {@code dx = v}).
     */
    synchronized SecondOrderOps secondOrderOps(String tensor, String logits, Path path) {
        SecondOrderOps s = secondOrder.get(tensor);
        if (s != null) {
            return s;
        }
        GradientOps first = gradientOps(List.of(tensor), logits, path);
        Output<?> g = first.byTensor().get(tensor);
        int attempt = secondOrderAttempts++;
        Output<?> v = graph.opBuilder("Placeholder", "cam4j_hvp_vector_" + attempt, graph.baseScope())
                .setAttr("dtype", DataType.DT_FLOAT).build().output(0);
        Output<?>[] d;
        try {
            d = graph.addGradients("cam4j_hvp_" + attempt, new Output<?>[] {g},
                    new Output<?>[] {graph.outputOrThrow(tensor), first.seed()}, new Output<?>[] {v});
        } catch (RuntimeException e) {
            throw new UnsupportedOperationException("TensorFlow cannot differentiate the gradient of " + path + " at "
                    + tensor + ": " + TensorFlowModel.firstLine(e));
        }
        s = new SecondOrderOps(first, v, connected(d[0]), connected(d[1]));
        secondOrder.put(tensor, s);
        return s;
    }

    /** The output, or null when TensorFlow found no dependence (it returns an output of no operation then). */
    private static Output<?> connected(Output<?> o) {
        try {
            o.op().name();
            return o;
        } catch (IllegalStateException | NullPointerException none) {
            return null;
        }
    }

    static String name(Output<?> o) {
        return o.op().name() + ":" + o.index();
    }

    /** One session run: feeds by tensor name, fetched tensors in order. Closes every TensorFlow tensor it makes. */
    List<Tensor> run(Map<String, Tensor> feeds, List<String> fetches) {
        List<org.tensorflow.Tensor> fed = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (Map.Entry<String, Tensor> f : feeds.entrySet()) {
                org.tensorflow.Tensor t = TfTensors.of(f.getValue());
                fed.add(t);
                int colon = f.getKey().lastIndexOf(':');
                runner.feed(f.getKey().substring(0, colon), Integer.parseInt(f.getKey().substring(colon + 1)), t);
            }
            for (String name : fetches) {
                int colon = name.lastIndexOf(':');
                runner.fetch(name.substring(0, colon), Integer.parseInt(name.substring(colon + 1)));
            }
            try (Result result = runner.run()) {
                List<Tensor> out = new ArrayList<>();
                for (int i = 0; i < fetches.size(); i++) {
                    out.add(TfTensors.from(result.get(i)));
                }
                return out;
            }
        } catch (org.tensorflow.exceptions.TensorFlowException e) {
            throw new IllegalStateException("TensorFlow failed: " + TensorFlowModel.firstLine(e), e);
        } finally {
            fed.forEach(org.tensorflow.Tensor::close);
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
