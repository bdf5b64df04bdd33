package org.cam4j.onnx.grad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cam4j.testdata.OnnxModelBuilder.i;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.autodiff.GradientGraphBuilder;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.onnx.graph.TensorFacts;
import org.cam4j.onnx.runtime.OrtRunner;
import org.cam4j.onnx.runtime.ShapeProbe;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * A detector keeps other rows for every image: the gradient graph is probed on one input and run on another whose
 * selection differs in which rows and how many. The gradient must follow the run's selection, not the probe's.
 */
class DataDependentIndicesTest {
    /** y = concat(x[rows where m > 0], x[rows where m > 0] again), so selected rows get twice their weights. */
    private static ModelProto model() {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1);
        b.input("x", 4, 3);
        b.input("m", 4);
        String rows = b.op("Squeeze", new String[] {b.op("NonZero", new String[] {b.op("Greater", new String[] {"m",
            b.floats("zero", new float[] {0f})})}), b.longs("axis", 0)});
        String picked = b.op("Gather", new String[] {"x", rows}, i("axis", 0));
        b.output(b.op("Concat", new String[] {picked, picked}, i("axis", 0)));
        return b.build();
    }

    @Test
    void gradientFollowsTheRunsSelectionNotTheProbes() {
        ModelProto model = model();
        OnnxGraph graph = new OnnxGraph(model);
        String y = model.getGraph().getOutput(0).getName();
        TensorFacts facts = new TensorFacts(graph);
        GradientGraphBuilder builder = new GradientGraphBuilder(graph, facts, y);
        Tensor x = Tensor.zeros(4, 3);
        for (int k = 0; k < x.size(); k++) {
            x.put(k, k * 0.1f);
        }
        // probed with one row kept, run with three
        ShapeProbe.run(graph, builder.reachability().tensorsToProbe(List.of("x")),
                Map.of("x", x, "m", Tensor.of(new float[] {-1, 1, -1, -1}, 4)), facts);
        ModelProto augmented = builder.gradients(List.of("x"), false, List.of());
        Tensor seed = Tensor.zeros(6, 3);
        for (int k = 0; k < seed.size(); k++) {
            seed.put(k, k + 1);
        }
        try (OrtRunner run = new OrtRunner(augmented.toByteArray(), ModelOptions.defaults())) {
            Map<String, Tensor> out = run.run(Map.of("x", x, "m", Tensor.of(new float[] {1, -1, 1, 1}, 4),
                    GradientGraphBuilder.SEED, seed, GradientGraphBuilder.TOP_CLASS, Tensor.zeros(6)), Set.of());
            Tensor grad = out.get(GradientGraphBuilder.GRAD_PREFIX + 0);
            // rows 0, 2, 3 are kept, each twice: seed rows (0, 3), (1, 4), (2, 5); row 1 is not kept
            float[] expected = new float[12];
            int[] kept = {0, 2, 3};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    expected[kept[r] * 3 + c] = seed.get(r, c) + seed.get(r + 3, c);
                }
            }
            assertThat(grad.toArray()).containsExactly(expected);
        }
    }
}
