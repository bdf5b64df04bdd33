package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each task takes, refused once for every door in the door's words; the parts a request carries. */
class CamRequestTest {
    private static final ModelSetup MODEL = new ModelSetup(ModelRequest.of(Path.of("m.onnx")), ModelSettings.none(),
            FieldNames.PLAIN, PreprocessingRequest.NONE, null, null, FieldNames.PLAIN);
    private static final List<MethodChoice> GRADCAM = new MethodRequest(MethodRequest.methods(null), null, false,
            false, false, null).choices(FieldNames.PLAIN);
    private static final EvaluationRequest ROAD = EvaluationRequest.of(List.of("ROADCombined"), false, n -> n, null,
            null, null, FieldNames.PLAIN);
    private static final FieldNames YAML = field -> "run.yaml: " + (field.equals("metrics") ? "evaluate" : field);

    private static CamRequest request(CamRequest.Task task, List<String> targets, EvaluationRequest evaluation,
                                      FieldNames fields) {
        return CamRequest.of(task, MODEL, GRADCAM, targets, TargetSpecs.Files.REFUSE, evaluation, null, 0.5f, fields);
    }

    @Test
    void aDetectorTakesNoTargetsAndNoMetricsInEveryDoorsWords() {
        assertThatThrownBy(() -> request(CamRequest.Task.DETECTION, List.of("face"), null, FieldNames.PLAIN))
                .isInstanceOf(RequestException.class)
                .hasMessage("targets: a detector takes no targets; every detection is explained");
        assertThat(request(CamRequest.Task.DETECTION, null, null, FieldNames.CLI).targets()).isEmpty();
        assertThatThrownBy(() -> request(CamRequest.Task.DETECTION, null, ROAD, YAML))
                .hasMessage("run.yaml: evaluate: a detector takes no metrics; they read class scores");
        assertThatThrownBy(() -> CamRequest.checkTask(CamRequest.Task.DETECTION, 1, false, YAML))
                .hasMessage("run.yaml: targets: a detector takes no targets; every detection is explained");
    }

    @Test
    void aSegmenterTakesOneTargetItsClassAndNoMetrics() {
        assertThat(request(CamRequest.Task.SEGMENTATION, List.of("person"), null, FieldNames.PLAIN).targets())
                .containsExactly("person");
        assertThatThrownBy(() -> request(CamRequest.Task.SEGMENTATION, List.of("person", "dog"), null,
                FieldNames.PLAIN)).hasMessage("targets: a segmenter takes one target, the class whose mask is"
                + " explained; got 2");
        assertThatThrownBy(() -> request(CamRequest.Task.SEGMENTATION, null, ROAD, FieldNames.PLAIN))
                .hasMessage("metrics: a segmenter takes no metrics here; use cam evaluate --own-mask");
    }

    @Test
    void aClassifierTakesTargetsAndMetricsAndAnEmptyEvaluationIsNone() {
        CamRequest r = request(CamRequest.Task.CLASSIFICATION, List.of("dog", "softmax:3"), ROAD, FieldNames.PLAIN);
        assertThat(r.targets()).containsExactly("dog", "softmax:3");
        assertThat(r.evaluation()).isSameAs(ROAD);
        assertThat(r.detection()).isNull();
        EvaluationRequest none = EvaluationRequest.of(List.of(), false, n -> n, null, null, null, FieldNames.PLAIN);
        assertThat(request(CamRequest.Task.DETECTION, List.of(), none, FieldNames.PLAIN).detection())
                .as("a detector's default settings").isEqualTo(DetectionRequest.of(null, null, null, null, null, null,
                        null, FieldNames.PLAIN));
    }

    @Test
    void thePhotoWeightIsCheckedAndNamedAsTheDoorNamesIt() {
        assertThatThrownBy(() -> CamRequest.of(CamRequest.Task.CLASSIFICATION, MODEL, GRADCAM, null,
                TargetSpecs.Files.REFUSE, null, null, 1.5f, FieldNames.CLI))
                .hasMessageStartingWith("--image-weight must be in [0, 1]");
    }
}
