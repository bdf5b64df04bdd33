package org.cam4j.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cam4j.onnx.autodiff.GradientGraphBuilder;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;

/**
 * The feeds that start a gradient graph's backward pass: {@link GradientGraphBuilder#SEED}, dS/dy per image, and
 * {@link GradientGraphBuilder#TOP_CLASS}, 1 where the graph itself seeds the top class. Linear targets give fixed
 * seeds without a forward pass; other targets get theirs from the outputs of one.
 */
final class BackwardSeeds {
    private BackwardSeeds() {
    }

    /**
     * @param outputShape the model output's shape (batch first); {@code null} targets mean the top class
     * @param outputs     the outputs for the batch, asked for only when a target is not linear
     */
    static void put(int n, List<Target> targets, long[] outputShape, Supplier<Tensor> outputs,
                    Map<String, Tensor> feeds) {
        int[] row = new int[outputShape.length - 1];
        for (int i = 0; i < row.length; i++) {
            row[i] = (int) outputShape[i + 1];
        }
        Tensor top = Tensor.zeros(n);
        Tensor seed;
        if (targets.stream().allMatch(t -> Targets.isTopClass(t) || t.isLinear())) {
            List<Tensor> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Target t = targets.get(i);
                boolean topClass = Targets.isTopClass(t);
                rows.add(topClass ? Tensor.zeros(row) : t.seed(Tensor.zeros(row)));
                top.put(i, topClass ? 1f : 0f);
            }
            seed = Tensor.stack(rows);
        } else {
            seed = Targets.seeds(targets, outputs.get());
        }
        feeds.put(GradientGraphBuilder.SEED, seed);
        feeds.put(GradientGraphBuilder.TOP_CLASS, top);
    }
}
