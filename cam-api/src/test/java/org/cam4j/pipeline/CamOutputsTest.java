package org.cam4j.pipeline;

import org.cam4j.spi.CamOptions;
import org.cam4j.math.CamOps;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.LayerInfo;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A method of the activations alone runs only the network's prefix, unless the outputs are wanted too: then one full
 * pass gives both, rather than the prefix and a second, plain inference.
 */
class CamOutputsTest {
    private static final Tensor ACTIVATIONS = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 9, 0, 1, 0, 2, 3, 1, 1, 0},
            2, 2, 2, 2);
    private static final Tensor OUTPUTS = Tensor.of(new float[] {0.1f, 0.9f, 0.2f, 0.3f, 0.5f, 0.4f}, 2, 3);

    /** Records which passes ran. */
    private static final class Recording implements ExplainableModel {
        final List<String> calls = new ArrayList<>();

        public TensorInfo input() {
            return new TensorInfo("x", new long[] {-1, 3, 4, 4}, Layout.NCHW);
        }

        public TensorInfo output() {
            return new TensorInfo("y", new long[] {-1, 3}, Layout.NCHW);
        }

        public List<LayerInfo> layers() {
            return List.of();
        }

        public Tensor predict(Tensor input) {
            calls.add("predict");
            return OUTPUTS;
        }

        public ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients) {
            calls.add("forward gradients=" + gradients);
            return new ForwardResult(OUTPUTS, Map.of("l", ACTIVATIONS), Map.of(), null);
        }

        @Override
        public ForwardResult activations(Tensor input, List<String> layers) {
            calls.add("prefix");
            return new ForwardResult(null, Map.of("l", ACTIVATIONS), Map.of(), null);
        }

        public Set<Capability> capabilities() {
            return Set.of();
        }

        public void close() {
        }
    }

    /** The channels summed: a method that needs neither gradients nor the output. */
    private static final CamMethod CHANNEL_SUM = new CamMethod() {
        public String name() {
            return "ChannelSum";
        }

        public String description() {
            return "sum of the channels";
        }

        public Set<Capability> needs() {
            return Set.of();
        }

        public Tensor camImage(LayerData layer, CamContext context) {
            return CamOps.sumChannels(layer.activations());
        }
    };

    @Test
    void outputsComeFromOneFullPassInsteadOfThePrefixAndAPlainInference() {
        Recording model = new Recording();
        Tensor input = Tensor.zeros(2, 3, 4, 4);
        List<Target> targets = Arrays.asList(org.cam4j.targets.Targets.topClass(), new ClassifierOutputTarget(2));
        try (Cam cam = new Cam(model, CHANNEL_SUM, List.of("l"), CamOptions.defaults())) {
            CamResult prefix = cam.compute(input, targets);
            assertThat(model.calls).containsExactly("prefix");
            assertThat(prefix.outputs()).isNull();
            model.calls.clear();
            CamResult full = cam.computeWithOutputs(input, targets);
            assertThat(model.calls).containsExactly("forward gradients=false");
            assertThat(full.outputs()).isSameAs(OUTPUTS);
            // the top class of image 0 resolved from the outputs; the given target kept
            assertThat(full.targets()).extracting(t -> ((ClassifierOutputTarget) t).category()).containsExactly(1, 2);
            assertThat(full.cams().toArray()).containsExactly(prefix.cams().toArray());
        }
    }
}
