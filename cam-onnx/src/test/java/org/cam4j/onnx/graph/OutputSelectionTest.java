package org.cam4j.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

/** A torchvision detector's outputs named after the other family's order are read by their element types. */
class OutputSelectionTest {
    private static ModelProto detector(boolean scoresAreInt) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1);
        b.input("images", 1, 3, 8, 8);
        b.output(b.node("Identity", "boxes", new String[] {"images"}), -1, 4);
        String a = b.node("Identity", scoresAreInt ? "labels" : "scores", new String[] {"images"});
        b.output(a, -1);
        String c = b.node("Identity", scoresAreInt ? "scores" : "labels", new String[] {"images"});
        b.longOutput(c, -1);
        return b.build();
    }

    @Test
    void labelsAndScoresAreReadByTheirTypes() {
        List<String> asked = List.of("boxes", "scores", "labels");
        assertThat(OutputSelection.byElementType(detector(false), asked, "m.onnx")).isEqualTo(asked);
        assertThat(OutputSelection.byElementType(detector(true), asked, "m.onnx"))
                .containsExactly("boxes", "labels", "scores");
        assertThat(OutputSelection.byElementType(detector(true), List.of("boxes", "scores"), "m.onnx"))
                .containsExactly("boxes", "scores");
    }
}
