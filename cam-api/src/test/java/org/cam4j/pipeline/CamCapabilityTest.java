package org.cam4j.pipeline;

import org.cam4j.spi.CamOptions;
import org.cam4j.math.CamOps;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.LayerInfo;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.TensorInfo;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A method that needs what the model's backend cannot give is refused up front, naming both sides. */
class CamCapabilityTest {
    /** A backend model that can only run plain forward passes. */
    private static final class ForwardOnly implements ExplainableModel {
        public TensorInfo input() {
            return new TensorInfo("x", new long[] {-1, 3, 8, 8}, Layout.NCHW);
        }

        public TensorInfo output() {
            return new TensorInfo("y", new long[] {-1, 2}, Layout.NCHW);
        }

        public List<LayerInfo> layers() {
            return List.of();
        }

        public Tensor predict(Tensor input) {
            return Tensor.zeros(input.dim(0), 2);
        }

        public ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients) {
            throw new AssertionError("not reached");
        }

        public Set<Capability> capabilities() {
            return Set.of();
        }

        public void close() {
        }
    }

    @Test
    void gradientMethodOnAForwardOnlyBackend() {
        CamMethod needsGradients = new WeightedCam() {
            public String name() {
                return "NeedsGradients";
            }

            public Set<Capability> needs() {
                return Set.of(Capability.GRADIENTS);
            }

            public Tensor weights(LayerData layer, CamContext context) {
                return CamOps.spatialMean(layer.requireGradients());
            }
        };
        assertThatThrownBy(() -> new Cam(new ForwardOnly(), needsGradients, List.of("l"), CamOptions.defaults()))
                .hasMessageContaining("NeedsGradients needs [GRADIENTS]").hasMessageContaining("choose a method");
        assertThatThrownBy(() -> new Cam(new ForwardOnly(), needsGradients, List.of(), CamOptions.defaults()))
                .hasMessageContaining("no target layer");
    }
}
