package org.cam4j.onnx.grad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cam4j.testdata.OnnxModelBuilder.i;
import static org.cam4j.testdata.OnnxModelBuilder.ints;

import java.util.List;
import java.util.Set;
import org.cam4j.onnx.analysis.Reachability;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * A two-stage detector's regions are computed from the same features they pool (a region proposal network), and
 * torchvision detaches them: the gradient reaches the features through the pooled values only, never through the
 * proposals (measured on a torchvision Faster R-CNN export: with the proposals detached cam4j's gradient equals
 * torch's to 3e-8, without it differs by 7e-5).
 */
class DetachedProposalsTest {
    @Test
    void regionsComputedFromTheFeaturesCarryNoGradient() {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 3);
        b.input("x", 1, 2, 8, 8);
        String features = b.node("Relu", "features", new String[] {b.node("Conv", "conv", new String[] {"x",
            b.random("w", 0.3f, 0, 2, 2, 3, 3)}, ints("pads", 1, 1, 1, 1))});
        // proposals: a box per row from the features' mean (the network's "deltas"), decoded around fixed anchors
        String deltas = b.node("ReduceMean", "deltas", new String[] {features}, ints("axes", 2, 3), i("keepdims", 0));
        String proposals = b.node("Add", "proposals", new String[] {b.node("Tile", "deltas4", new String[] {deltas,
            b.longs("reps", 1, 2)}), b.floats("anchors", new float[] {1, 1, 6, 6}, 1, 4)});
        String pooled = b.node("RoiAlign", "pooled", new String[] {features, proposals, b.longs("batch", 0)},
                i("output_height", 2), i("output_width", 2), i("sampling_ratio", 2));
        // the second stage refines the detached proposals with the pooled features
        String refined = b.node("Add", "refined", new String[] {proposals, b.node("ReduceSum", "second_stage",
            new String[] {pooled, b.longs("axes", 1, 2, 3)}, i("keepdims", 0))});
        b.output(refined);
        Reachability reach = new Reachability(new OnnxGraph(b.build()), refined);
        Set<String> active = reach.active(List.of(features));
        assertThat(active).contains(pooled, "second_stage", refined);
        assertThat(active).doesNotContain(deltas, "deltas4", proposals);
    }
}
