package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.pipeline.CamOps;
import org.cam4j.pipeline.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.Methods;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every method against pytorch-grad-cam's own CAMs ({@code ../shared/parity}): per image Pearson r >= 0.999 and
 * max |delta| <= 0.01. Eigen projections are compared up to the sign the reference leaves open.
 */
class ReferenceCamParityTest {
    static final double MIN_PEARSON = 0.999;
    static final double MAX_DELTA = 0.01;

    @TestFactory
    Stream<DynamicNode> camsMatchTheReference() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        Tensor input = Npy.read(manifest.file("input_batch.npy"));
        List<DynamicNode> models = new ArrayList<>();
        for (String name : manifest.models()) {
            JsonNode m = manifest.model(name);
            Path onnx = manifest.file(m.path("onnx_shipped_here").asText().split(" ")[0]);
            if (!Files.isRegularFile(onnx)) {
                continue;
            }
            String layer = m.get("target_layer").get("pytorch").asText();
            // FullGrad sums one term per biased Conv and BatchNorm: where folding BN into a biased conv merged two
            // terms into one, the manifest names an export that keeps BatchNormalization
            Path bnKept = manifest.file("models/" + m.path("onnx_bn_preserved").asText("none"));
            Path fullGradOnnx = Files.isRegularFile(bnKept) ? bnKept : onnx;
            List<DynamicTest> tests = new ArrayList<>();
            Map<Path, OnnxModel> open = new java.util.HashMap<>();
            for (Map.Entry<String, JsonNode> e : manifest.methods(name)) {
                Path file = e.getKey().equals("FullGrad") ? fullGradOnnx : onnx;
                tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(manifest, open.computeIfAbsent(file,
                        f -> new OnnxBackend().open(f, ModelOptions.defaults())), layer, input, e.getKey(), e.getValue())));
            }
            tests.add(DynamicTest.dynamicTest("close", () -> open.values().forEach(OnnxModel::close)));
            models.add(DynamicContainer.dynamicContainer(name, tests));
        }
        return models.stream();
    }

    /**
     * Option keys of manifest entries this test knows how to pass on; an entry with any other (a target type, a
     * base method, several layers) is skipped by name until the feature exists, so a growing manifest never turns
     * the build red.
     */
    static final java.util.Set<String> MAPPED_OPTIONS = java.util.Set.of("batch_size", "aug_smooth", "eigen_smooth",
            "kernel", "gamma", "k", "ablation_layer");

    private static void check(ParityManifest manifest, OnnxModel model, String layer, Tensor input, String key,
                              JsonNode entry) {
        String methodName = key.replace("_aug_smooth", "").replace("_eigen_smooth", "");
        assumeTrue(entry.path("status").asText("ok").equals("ok"), key + ": the reference failed ("
                + entry.path("status").asText() + ")");
        assumeTrue(Methods.registry().contains(methodName), key + ": method " + methodName + " does not exist yet");
        List<String> unmapped = new ArrayList<>();
        entry.path("options").fieldNames().forEachRemaining(o -> {
            if (!MAPPED_OPTIONS.contains(o) && !(methodName.equals("FullGrad") && o.equals("target_layers"))) {
                unmapped.add(o);
            }
        });
        assumeTrue(unmapped.isEmpty(), key + ": options " + unmapped + " are not supported by this test yet");
        CamOptions options = CamOptions.defaults().withAugSmooth(key.endsWith("_aug_smooth"))
                .withEigenSmooth(key.endsWith("_eigen_smooth"))
                .withBatchSize(entry.path("options").path("batch_size").asInt(32));
        Tensor expected = Npy.read(manifest.file(entry.get("file").asText()));
        try (Cam cam = new Cam(model, Methods.get(methodName), List.of(layer), options)) {
            CamResult r = cam.compute(input, Targets.classes(2, manifest.targets()));
            Tensor ours = r.cams();
            boolean signFree = methodName.startsWith("Eigen") || key.endsWith("_eigen_smooth");
            if (signFree) {
                ours = withReferenceSign(r.lowRes().get(0), Npy.read(manifest.file(
                        entry.get("lowres_pre_relu_file").asText())).slice(0), expected.dim(1), expected.dim(2));
            }
            Tensor rounded = float32Sensitivity(model, layer, input, methodName, options, manifest);
            for (int i = 0; i < expected.dim(0); i++) {
                Tensor a = ours.slice(i);
                Tensor b = expected.slice(i);
                double noise = rounded == null ? 0 : rounded.slice(i).maxAbsDiff(a);
                System.out.printf("parity %s image %d: max|delta| %.5f, Pearson r %.6f%s%n", key, i, a.maxAbsDiff(b),
                        b.max() > 0 ? a.pearson(b) : Double.NaN, rounded == null ? "" : String.format(
                        ", float32 rounding alone moves it by %.5f", noise));
                if (noise <= MAX_DELTA) {
                    assertThat(a.maxAbsDiff(b)).as("%s image %d max |delta|", key, i).isLessThanOrEqualTo(MAX_DELTA);
                }
                if (b.max() > 0) {
                    assertThat(a.pearson(b)).as("%s image %d Pearson r", key, i).isGreaterThanOrEqualTo(MIN_PEARSON);
                }
            }
        }
    }

    /**
     * KPCA's reference is computed in float32; where rounding the kernel to float32 alone moves our CAM by more
     * than the tolerance, the reference's exact values are float32 noise and only the correlation is checked.
     * Returns the float32-rounded CAMs for KPCA, else {@code null}.
     */
    private static Tensor float32Sensitivity(OnnxModel model, String layer, Tensor input, String method,
                                             CamOptions options, ParityManifest manifest) {
        if (!method.equals("KPCA_CAM")) {
            return null;
        }
        CamOptions rounded = new CamOptions(options.eigenSmooth(), options.augSmooth(), options.batchSize(),
                Map.of("float32", "true"));
        try (Cam cam = new Cam(model, Methods.get(method), List.of(layer), rounded)) {
            return cam.compute(input, Targets.classes(2, manifest.targets())).cams();
        }
    }

    /** Our low-res maps flipped per image to the reference's sign, then through the pipeline. */
    private static Tensor withReferenceSign(Tensor ours, Tensor reference, int height, int width) {
        Tensor flipped = ours.copy();
        for (int i = 0; i < ours.dim(0); i++) {
            double dot = 0;
            for (int p = 0; p < ours.slice(i).size(); p++) {
                dot += ours.slice(i).at(p) * reference.slice(i).at(p);
            }
            if (dot < 0) {
                Tensor img = flipped.slice(i);
                for (int p = 0; p < img.size(); p++) {
                    img.put(p, -img.at(p));
                }
            }
        }
        return CamOps.aggregate(List.of(CamOps.scale(CamOps.relu(flipped), height, width)));
    }
}
