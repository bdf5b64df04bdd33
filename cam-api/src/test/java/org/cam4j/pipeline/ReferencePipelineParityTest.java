package org.cam4j.pipeline;

import org.cam4j.math.CamOps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The reference library's post-processing, fed its own low-resolution CAMs, must give its final CAMs: this pins
 * ReLU, scaling, OpenCV's resize, the layer aggregation and the aug_smooth averaging.
 */
class ReferencePipelineParityTest {
    @TestFactory
    Stream<DynamicTest> lowResolutionCamsBecomeTheReferenceCams() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        List<DynamicTest> tests = new ArrayList<>();
        for (String model : manifest.models()) {
            for (Map.Entry<String, JsonNode> method : manifest.methods(model)) {
                JsonNode m = method.getValue();
                if (!m.has("lowres_pre_relu_file")) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(model + "/" + method.getKey(), () -> {
                    Tensor lowres = Npy.read(manifest.file(m.get("lowres_pre_relu_file").asText()));
                    Tensor expected = Npy.read(manifest.file(m.get("file").asText()));
                    Tensor ours = postProcess(lowres, expected.dim(1), expected.dim(2));
                    assertThat(ours.maxAbsDiff(expected)).isLessThan(1e-3);
                }));
            }
        }
        return tests.stream();
    }

    /** calls x N x h x w low-res maps: per call the single-layer pipeline; several calls are aug_smooth runs. */
    private static Tensor postProcess(Tensor lowres, int height, int width) {
        int calls = lowres.dim(0);
        Tensor sum = null;
        for (int k = 0; k < calls; k++) {
            Tensor scaled = CamOps.scale(CamOps.relu(lowres.slice(k).copy()), height, width);
            Tensor cam = CamOps.aggregate(List.of(scaled));
            if (calls == 6 && k >= 3) {
                cam = Cam.flipWidth(cam.reshape(cam.dim(0), 1, height, width), Layout.NCHW).reshape(cam.shape());
            }
            if (sum == null) {
                sum = cam.copy();
            } else {
                for (int i = 0; i < sum.size(); i++) {
                    sum.put(i, sum.at(i) + cam.at(i));
                }
            }
        }
        for (int i = 0; i < sum.size(); i++) {
            sum.put(i, sum.at(i) / calls);
        }
        return sum;
    }
}
