package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.CamOptions;
import org.junit.jupiter.api.Test;

/** A method request: names each once, the shared settings, options to the methods that read them, each door's words. */
class MethodRequestTest {
    private static List<String> names(List<CamMethod> methods) {
        return methods.stream().map(CamMethod::name).toList();
    }

    @Test
    void methodsAreKeptOnceInTheOrderGivenAndGradCamWhenNoneIsNamed() {
        assertThat(names(MethodRequest.methods(List.of("FEM", "GradCAM", "FEM")))).containsExactly("FEM", "GradCAM");
        assertThat(names(MethodRequest.methods(List.of()))).containsExactly("GradCAM");
        assertThat(names(MethodRequest.methods(null))).containsExactly("GradCAM");
        assertThatThrownBy(() -> MethodRequest.methods(List.of("GradCAM", "Nope")))
                .hasMessageStartingWith("unknown method 'Nope'");
    }

    @Test
    void eachMethodGetsTheSharedSettingsAndOnlyTheOptionsItReads() {
        List<MethodChoice> choices = new MethodRequest(MethodRequest.methods(List.of("GradCAM", "FEM", "AblationCAM")),
                "16", true, false, true, Map.of("k", "3", "ratio_channels_to_ablate", "0.5"))
                .choices(FieldNames.CLI);
        assertThat(choices).extracting(c -> c.method().name()).containsExactly("GradCAM", "FEM", "AblationCAM");
        CamOptions shared = new CamOptions(true, false, 16, Map.of(), true);
        assertThat(choices.get(0).options()).isEqualTo(shared);
        assertThat(choices.get(1).options()).isEqualTo(shared.withExtra(Map.of("k", "3")));
        assertThat(choices.get(2).options()).isEqualTo(shared.withExtra(Map.of("ratio_channels_to_ablate", "0.5")));
        assertThat(new MethodRequest(MethodRequest.methods(List.of()), null, false, false, false, null)
                .choices(FieldNames.CLI).get(0).options()).isEqualTo(CamOptions.defaults());
    }

    @Test
    void badSettingsAreRefusedInTheDoorsWords() {
        List<CamMethod> gradCam = MethodRequest.methods(List.of("GradCAM"));
        assertThatThrownBy(() -> new MethodRequest(gradCam, "0", false, false, false, null).choices(FieldNames.CLI))
                .hasMessage("--batch-size must be between 1 and 1024, got 0");
        assertThatThrownBy(() -> new MethodRequest(gradCam, "lots", false, false, false, null)
                .choices(field -> "options." + field))
                .hasMessage("options.batch_size must be 'auto' or a whole number between 1 and 1024, got 'lots'");
        assertThatThrownBy(() -> new MethodRequest(gradCam, "auto", false, false, false, Map.of("k", "2"))
                .choices(FieldNames.CLI)).hasMessage("unknown --option 'k' for GradCAM; these methods take no options");
        assertThatThrownBy(() -> new MethodRequest(MethodRequest.methods(List.of("GradCAM", "FEM")), "auto", false,
                false, false, Map.of("kk", "2")).choices(FieldNames.PLAIN))
                .hasMessage("unknown option 'kk' for GradCAM, FEM; known: k");
    }
}
