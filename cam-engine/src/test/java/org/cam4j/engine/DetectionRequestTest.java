package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A detection request: its defaults, and one check per field named in each door's words. */
class DetectionRequestTest {
    @Test
    void leftOutFieldsTakeCamDetectsDefaults() {
        DetectionRequest r = DetectionRequest.of(null, null, null, null, null, null, null, FieldNames.PLAIN);
        assertThat(r.layout()).isEqualTo("auto");
        assertThat(r.postProcessing().scoreThreshold()).isEqualTo(0.5);
        assertThat(r.postProcessing().iouThreshold()).isEqualTo(0.45);
        assertThat(r.postProcessing().topK()).isEqualTo(100);
        assertThat(r.letterbox()).isNull();
        assertThat(r.perBox()).isFalse();
        assertThat(r.renormalize()).isFalse();
    }

    @Test
    void eachDoorNamesTheFieldItGotWrong() {
        assertThatThrownBy(() -> DetectionRequest.of(null, 1.5, null, null, null, null, null, FieldNames.CLI))
                .hasMessage("--score-threshold must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> DetectionRequest.of(null, null, -0.1, null, null, null, null,
                FieldNames.yaml(Path.of("run.yaml"), "detection")))
                .hasMessage("run.yaml: detection.iou must be in [0, 1], got -0.1");
        assertThatThrownBy(() -> DetectionRequest.of(null, null, null, 20_000, null, null, null,
                field -> "options." + field)).hasMessageContaining("options.top_k");
        assertThatThrownBy(() -> DetectionRequest.of(null, Double.NaN, null, null, null, null, null,
                FieldNames.PLAIN)).hasMessage("score_threshold must be in [0, 1], got NaN");
    }
}
