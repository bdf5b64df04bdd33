package org.cam4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Logits, target-layer activations and gradients of the target logits against torch autograd, on the
 * torchvision models exported to ONNX in {@code ../shared/parity/models}.
 */
class ReferenceGradientParityTest {
    @TestFactory
    Stream<DynamicTest> gradientsMatchTorchAutograd() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        Tensor input = Npy.read(manifest.file("input_batch.npy"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : manifest.models()) {
            JsonNode m = manifest.model(name);
            Path onnx = manifest.file("models/" + m.path("onnx_shipped_here").asText().split(" ")[0].replace("models/", ""));
            if (!Files.isRegularFile(onnx)) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String layer = m.get("target_layer").get("pytorch").asText();
                try (OnnxModel model = new OnnxBackend().open(onnx, new ModelOptions("cpu", 0, null, false))) {
                    assertThat(model.resolve(layer)).isEqualTo(m.get("target_layer").get("onnx_tensor").asText());
                    ForwardResult r = model.forward(input, List.of(layer), Targets.classes(2, manifest.targets()), true);
                    Tensor logits = Npy.read(manifest.file(m.get("logits").asText()));
                    String actFile = m.has("activation_nchw") ? "activation_nchw" : "activation";
                    String gradFile = m.has("gradient_nchw") ? "gradient_nchw" : "gradient";
                    Tensor act = Npy.read(manifest.file(m.get(actFile).asText()));
                    Tensor grad = Npy.read(manifest.file(m.get(gradFile).asText()));
                    act = asNchw(act, r.activation(layer));
                    grad = asNchw(grad, r.gradient(layer));
                    assertThat(r.output().maxAbsDiff(logits)).isLessThanOrEqualTo(1e-4 * maxAbs(logits));
                    assertThat(r.activation(layer).maxAbsDiff(act)).isLessThanOrEqualTo(1e-3 * maxAbs(act));
                    assertThat(r.gradient(layer).maxAbsDiff(grad)).isLessThanOrEqualTo(1e-3 * maxAbs(grad));
                }
            }));
        }
        return tests.stream();
    }

    /** A reference array in the model's raw layout (tokens, channels-last) folded like ours, when it is not yet. */
    static Tensor asNchw(Tensor reference, Tensor ours) {
        if (java.util.Arrays.equals(reference.shape(), ours.shape())) {
            return reference;
        }
        long[] raw = java.util.Arrays.stream(reference.shape()).asLongStream().toArray();
        return TokenReshape.of(raw, raw.length == 4 ? "nhwc" : "auto", false, "reference").toNchw(reference);
    }

    static double maxAbs(Tensor t) {
        return Math.max(Math.abs(t.max()), Math.abs(t.min()));
    }
}
