package org.cam4j.plugin;

import org.cam4j.model.Capability;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {
    /** Registered only through the META-INF/services file that @AutoService generates at test compile time. */
    @AutoService(CamMethod.class)
    public static final class DiscoveredOnlyByServiceFile implements CamMethod {
        @Override
        public String name() {
            return "Test_Only-Method";
        }

        @Override
        public List<String> aliases() {
            return List.of("testonly++");
        }

        @Override
        public Set<Capability> needs() {
            return Set.of();
        }

        @Override
        public Tensor camImage(LayerData layer, CamContext context) {
            return Tensor.zeros(layer.batch(), layer.activations().dim(2), layer.activations().dim(3));
        }
    }

    record Named(String name, List<String> aliases) implements Provider {
    }

    @Test
    void serviceFileProvidersAreFoundByAnySpelling() {
        ProviderRegistry<CamMethod> methods = Methods.registry();
        assertThat(methods.get("testonlymethod")).isInstanceOf(DiscoveredOnlyByServiceFile.class);
        assertThat(methods.get("TEST-ONLY_METHOD")).isInstanceOf(DiscoveredOnlyByServiceFile.class);
        assertThat(methods.get("TestOnly++")).isInstanceOf(DiscoveredOnlyByServiceFile.class);
    }

    @Test
    void namesMatchIgnoringCaseUnderscoresAndDashes() {
        ProviderRegistry<Named> r = new ProviderRegistry<>("method",
                List.of(new Named("GradCAMPlusPlus", List.of("gradcam++")), new Named("KPCA_CAM", List.of())));
        assertThat(r.get("gradcam++").name()).isEqualTo("GradCAMPlusPlus");
        assertThat(r.get("gradcam_plus-plus").name()).isEqualTo("GradCAMPlusPlus");
        assertThat(r.get("kpcacam").name()).isEqualTo("KPCA_CAM");
        assertThat(r.get("KPCA-CAM").name()).isEqualTo("KPCA_CAM");
    }

    @Test
    void unknownNamesListWhatIsAvailable() {
        ProviderRegistry<Named> r = new ProviderRegistry<>("method",
                List.of(new Named("GradCAM", List.of()), new Named("LayerCAM", List.of())));
        assertThatThrownBy(() -> r.get("FooCAM"))
                .hasMessage("unknown method 'FooCAM'; available: GradCAM, LayerCAM");
    }

    @Test
    void anEmptyRegistrySaysWhatToAdd() {
        ProviderRegistry<Named> r = new ProviderRegistry<>("method", List.of());
        assertThatThrownBy(() -> r.get("GradCAM")).hasMessageContaining("unknown method 'GradCAM'; no method is on the"
                + " class path").hasMessageContaining("org.cam4j:cam-methods");
    }

    @Test
    void duplicateNamesNameBothClasses() {
        Provider a = new Named("GradCAM", List.of());
        Provider b = new Provider() {
            @Override
            public String name() {
                return "grad_cam";
            }
        };
        assertThatThrownBy(() -> new ProviderRegistry<>("method", List.of(a, b)))
                .hasMessageContaining(Named.class.getName())
                .hasMessageContaining(b.getClass().getName())
                .hasMessageContaining("grad_cam");
    }
}
