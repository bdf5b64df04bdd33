package org.cam4j.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.HeadForward;
import org.cam4j.model.TargetCurvature;
import org.cam4j.onnx.grad.UnsupportedGradientException;
import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.autodiff.GradientGraphBuilder;
import org.cam4j.onnx.autodiff.GraphCuts;
import org.cam4j.onnx.graph.LayerResolver;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.autodiff.SecondOrderGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * The network's head from a target layer, run on replaced layer activations (AblationCAM, ScoreCAM's relatives,
 * the metrics): the head graph takes the layer's rows and, for each, the cut tensors of its source image (tensors
 * the head reads that do not pass through the layer, such as a transformer's residual stream), kept from a forward
 * pass in {@link State}. Also the head's gradient and its Hessian-vector product.
 */
final class HeadRunner {
    /** What a forward pass keeps for head runs, per layer: raw activations, cut tensors and the token reshape. */
    record State(Map<String, Tensor> raw, Map<String, Tensor> cuts, Map<String, TokenReshape> reshapes) {
    }

    private final OnnxGraph graph;
    private final TensorFacts facts;
    private final Reachability reach;
    private final String output;
    private final LayerResolver resolver;
    private final OnnxSessions sessions;

    HeadRunner(OnnxGraph graph, TensorFacts facts, String output, Reachability reach, LayerResolver resolver,
               OnnxSessions sessions) {
        this.graph = graph;
        this.reach = reach;
        this.facts = facts;
        this.output = output;
        this.resolver = resolver;
        this.sessions = sessions;
    }

    /** The head's outputs with the layer's activations (N' x C x h x w) replaced, row r from image sourceImage[r]. */
    Tensor forward(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix) {
        State state = state(prefix, layer);
        return run(layer, state.reshapes().get(layer).toRaw(activations, state.raw().get(layer), sourceImage),
                sourceImage, state);
    }

    /** The head's outputs with one channel of each row set to a value (the rest of the row as in its image). */
    Tensor forwardAblated(String layer, int[] sourceImage, int[] channels, float[] values, ForwardResult prefix) {
        State state = state(prefix, layer);
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
        return run(layer, rows, sourceImage, state);
    }

    /** The targets' gradient with respect to the replaced activations, through the head graph. */
    Tensor gradient(String layer, Tensor activations, int[] sourceImage, ForwardResult prefix, List<Target> targets) {
        State state = state(prefix, layer);
        String tensor = resolver.resolve(layer);
        TokenReshape reshape = state.reshapes().get(layer);
        Tensor raw = reshape.toRaw(activations, state.raw().get(layer), sourceImage);
        OrtRunner runner = sessions.get("headgrad|" + tensor, () -> cuts().headGradients(tensor));
        Map<String, Tensor> feeds = feeds(tensor, raw, sourceImage, state);
        BackwardSeeds.put(sourceImage.length, targets, facts.shape(output),
                () -> run(layer, raw, sourceImage, state), feeds);
        String grad = GradientGraphBuilder.GRAD_PREFIX + 0;
        return reshape.toNchw(runner.run(feeds, Set.of(grad)).get(grad));
    }

    /**
     * A second backward pass through the head's gradient graph ({@link SecondOrderGraph}): the seed-weighted
     * curvature of the outputs, plus for non-linear targets J^T (d2S/dy2) J v, with J v from the same pass (the
     * gradient with respect to the seed) and the targets' Hessians.
     */
    Tensor hessianVectorProduct(HeadForward model, String layer, Tensor activations, int[] sourceImage,
                                ForwardResult prefix, List<Target> targets, Tensor vector) {
        State state = state(prefix, layer);
        String tensor = resolver.resolve(layer);
        TokenReshape reshape = state.reshapes().get(layer);
        Tensor base = state.raw().get(layer);
        Tensor raw = reshape.toRaw(activations, base, sourceImage);
        Map<String, Tensor> feeds = feeds(tensor, raw, sourceImage, state);
        BackwardSeeds.put(sourceImage.length, targets, facts.shape(output),
                () -> run(layer, raw, sourceImage, state), feeds);
        // the vector has no component outside the grid (a class token keeps its value): zeros there
        feeds.put(SecondOrderGraph.VECTOR, reshape.toRaw(vector, Tensor.zeros(base.shape()), sourceImage));
        OrtRunner runner;
        try {
            runner = sessions.get("hvp|" + tensor + "|" + sourceImage.length,
                    () -> SecondOrderGraph.build(graph, facts, output, tensor, feeds));
        } catch (UnsupportedGradientException e) {
            throw new UnsupportedOperationException("no second backward pass: " + e.getMessage(), e);
        }
        Map<String, Tensor> out = runner.run(feeds, Set.of(SecondOrderGraph.LAYER_TERM, SecondOrderGraph.SEED_TERM));
        Tensor hvp = reshape.toNchw(out.get(SecondOrderGraph.LAYER_TERM));
        if (targets.stream().allMatch(t -> org.cam4j.targets.Targets.isTopClass(t) || t.isLinear())) {
            return hvp;
        }
        return TargetCurvature.add(model, layer, activations, sourceImage, prefix, targets,
                run(layer, raw, sourceImage, state), out.get(SecondOrderGraph.SEED_TERM), hvp);
    }

    /** Whether a channel of one image's layer activations is all zero. */
    boolean channelIsZero(String layer, int image, int channel, ForwardResult prefix) {
        State state = state(prefix, layer);
        Tensor raw = state.raw().get(layer).slice(image);
        int[] span = state.reshapes().get(layer).channelSpan(raw, channel);
        for (int i = span[0]; i < span[1]; i += span[2]) {
            if (raw.at(i) != 0f) {
                return false;
            }
        }
        return true;
    }

    /** The smallest value of one image's layer activations. */
    float layerMin(String layer, int image, ForwardResult prefix) {
        return state(prefix, layer).raw().get(layer).slice(image).min();
    }

    private static State state(ForwardResult prefix, String layer) {
        if (!(prefix.state() instanceof State state) || !state.raw().containsKey(layer)) {
            throw new IllegalArgumentException("head runs need a forward result of this model for layer '" + layer + "'");
        }
        return state;
    }

    private GraphCuts cuts() {
        return new GraphCuts(graph, facts, output, reach);
    }

    /** Runs the head graph on raw-layout layer rows, with the cut tensors of each row's source image. */
    private Tensor run(String layer, Tensor rawRows, int[] sourceImage, State state) {
        String tensor = resolver.resolve(layer);
        OrtRunner runner = sessions.get("head|" + tensor, () -> cuts().head(tensor));
        return runner.run(feeds(tensor, rawRows, sourceImage, state), Set.of(output)).get(output);
    }

    /** The layer rows plus, for each cut tensor, the rows of each row's source image. */
    private Map<String, Tensor> feeds(String tensor, Tensor rawRows, int[] sourceImage, State state) {
        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put(tensor, rawRows);
        for (String c : cuts().cutTensors(tensor)) {
            Tensor all = state.cuts().get(c);
            List<Tensor> rows = new ArrayList<>();
            for (int s : sourceImage) {
                rows.add(all.slice(s));
            }
            feeds.put(c, Tensor.stack(rows));
        }
        return feeds;
    }
}
