package org.cam4j.onnx.grad;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.autodiff.GradientGraphBuilder;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.onnx.runtime.ShapeProbe;
import org.cam4j.tensor.Tensor;

/**
 * Checks the autodiff of a model against central finite differences: score = sum(W * y) for a random W; the
 * gradient with respect to every graph input, at sampled coordinates.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    static Tensor random(Random r, float scale, float offset, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.put(i, (float) r.nextGaussian() * scale + offset);
        }
        return t;
    }

    static void check(ModelProto model, Map<String, Tensor> feeds, long seed) {
        OnnxGraph graph = new OnnxGraph(model);
        String y = model.getGraph().getOutput(0).getName();
        List<String> sources = new ArrayList<>();
        for (ValueInfoProto v : graph.inputs()) {
            sources.add(v.getName());
        }
        TensorFacts facts = new TensorFacts(graph);
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, y);
        ShapeProbe.run(graph, builder.reachability().tensorsToProbe(sources), feeds, facts);
        ModelProto augmented = builder.gradients(sources, false, List.of());
        Random r = new Random(seed);
        try (OrtRunner plain = new OrtRunner(model.toByteArray(), ModelOptions.defaults());
             OrtRunner aug = new OrtRunner(augmented.toByteArray(), ModelOptions.defaults())) {
            Tensor y0 = plain.run(feeds, Set.of(y)).get(y);
            Tensor w = random(r, 1f, 0f, y0.shape());
            Map<String, Tensor> augFeeds = new HashMap<>(feeds);
            augFeeds.put(GradientGraphBuilder.SEED, w);
            augFeeds.put(GradientGraphBuilder.TOP_CLASS, Tensor.zeros(y0.dim(0)));
            Map<String, Tensor> out = aug.run(augFeeds, Set.of());
            assertThat(out.get(y).maxAbsDiff(y0)).as("augmented model output").isLessThan(1e-5);
            for (int s = 0; s < sources.size(); s++) {
                String src = sources.get(s);
                Tensor grad = out.get(GradientGraphBuilder.GRAD_PREFIX + s);
                Tensor x = feeds.get(src);
                assertThat(grad.shape()).as("gradient shape of " + src).containsExactly(x.shape());
                int samples = Math.min(x.size(), 24);
                for (int k = 0; k < samples; k++) {
                    int j = x.size() <= 24 ? k : r.nextInt(x.size());
                    double h = 2e-3;
                    double fd = (score(plain, feeds, src, j, h, y, w) - score(plain, feeds, src, j, -h, y, w)) / (2 * h);
                    assertThat((double) grad.at(j)).as("d score / d %s[%d]", src, j)
                            .isCloseTo(fd, org.assertj.core.api.Assertions.within(3e-3 + 3e-2 * Math.abs(fd)));
                }
            }
        }
    }

    private static double score(OrtRunner plain, Map<String, Tensor> feeds, String src, int j, double h, String y,
                                Tensor w) {
        Map<String, Tensor> f = new LinkedHashMap<>(feeds);
        Tensor x = feeds.get(src).copy();
        x.put(j, (float) (x.at(j) + h));
        f.put(src, x);
        Tensor out = plain.run(f, Set.of(y)).get(y);
        double s = 0;
        for (int i = 0; i < out.size(); i++) {
            s += (double) out.at(i) * w.at(i);
        }
        return s;
    }
}
