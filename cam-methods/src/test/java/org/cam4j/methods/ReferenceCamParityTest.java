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
import org.cam4j.math.CamOps;
import org.cam4j.spi.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.Methods;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
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
     * Option keys of manifest entries this test knows how to pass on; an entry with any other is skipped by name
     * until the feature exists, so a growing manifest never turns the build red.
     */
    static final java.util.Set<String> MAPPED_OPTIONS = java.util.Set.of("batch_size", "aug_smooth", "eigen_smooth",
            "kernel", "gamma", "k", "ablation_layer", "target", "target_layers", "base_method", "targets", "alpha",
            "comparison_categories");

    /** Entries that run a method under another key: {@code GradCAM_softmax} is GradCAM with a softmax target. */
    private static String methodOf(String key) {
        String m = key.replace("_aug_smooth", "").replace("_eigen_smooth", "");
        return m.startsWith("GradCAM_") ? "GradCAM" : m;
    }

    /** The entry's targets: its classes, wrapped in the target type its options name; none means the top class. */
    private static List<Target> targets(ParityManifest manifest, JsonNode entry, int n) {
        if (entry.has("targets") && entry.get("targets").isNull()) {
            return Targets.topClass(n);
        }
        String type = entry.path("options").path("target").asText("");
        List<Integer> classes = manifest.targets();
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = classes.get(classes.size() == 1 ? 0 : i);
            out.add(type.startsWith("ClassifierOutputSoftmaxTarget") ? new org.cam4j.targets.SoftmaxTarget(c)
                    : type.startsWith("ClassifierOutputReST") ? new org.cam4j.targets.ReStTarget(c)
                    : new org.cam4j.targets.ClassifierOutputTarget(c));
        }
        return out;
    }

    /** Why this test cannot run an entry as the reference did, or null when it can. */
    private static String unsupported(String key, String method, JsonNode options) {
        List<String> unmapped = new ArrayList<>();
        options.fieldNames().forEachRemaining(o -> {
            if (!MAPPED_OPTIONS.contains(o)) {
                unmapped.add(o);
            }
        });
        if (!unmapped.isEmpty()) {
            return key + ": options " + unmapped + " are not supported by this test yet";
        }
        String target = options.path("target").asText("");
        if (!target.isEmpty() && !target.startsWith("ClassifierOutputSoftmaxTarget")
                && !target.startsWith("ClassifierOutputReST")) {
            return key + ": target " + target + " is not mapped yet";
        }
        if (method.equals("FinerCAM") && (options.path("alpha").asDouble(1) != 1
                || !options.path("comparison_categories").toString().equals("[1,2,3]")
                || !options.path("base_method").asText("GradCAM").equals("GradCAM"))) {
            return key + ": FinerCAM options other than alpha 1, categories [1,2,3], GradCAM";
        }
        if (!method.equals("FullGrad") && !method.equals("RefineCAM") && options.has("target_layers")) {
            return key + ": target_layers for " + method;
        }
        return null;
    }

    private static void check(ParityManifest manifest, OnnxModel model, String layer, Tensor input, String key,
                              JsonNode entry) {
        String methodName = methodOf(key);
        assumeTrue(entry.path("status").asText("ok").equals("ok"), key + ": the reference failed ("
                + entry.path("status").asText() + ")");
        assumeTrue(Methods.registry().contains(methodName), key + ": method " + methodName + " does not exist yet");
        String why = unsupported(key, methodName, entry.path("options"));
        assumeTrue(why == null, why);
        Map<String, String> extra = new java.util.HashMap<>();
        if (entry.path("options").has("base_method") && methodName.equals("RefineCAM")) {
            extra.put("base_method", entry.path("options").get("base_method").asText());
        }
        List<String> layers = List.of(layer);
        if (methodName.equals("RefineCAM")) {
            layers = new ArrayList<>();
            for (JsonNode l : entry.path("options").path("target_layers")) {
                layers.add(l.asText());
            }
        }
        CamOptions options = CamOptions.defaults().withAugSmooth(key.endsWith("_aug_smooth"))
                .withEigenSmooth(key.endsWith("_eigen_smooth"))
                .withBatchSize(entry.path("options").path("batch_size").asInt(32)).withExtra(extra);
        Tensor expected = Npy.read(manifest.file(entry.get("file").asText()));
        try (Cam cam = new Cam(model, Methods.get(methodName), layers, options)) {
            CamResult r = cam.compute(input, targets(manifest, entry, input.dim(0)));
            Tensor ours = r.cams();
            boolean signFree = methodName.contains("Eigen") || key.endsWith("_eigen_smooth");
            if (signFree) {
                ours = withReferenceSign(r.lowRes().get(0), Npy.read(manifest.file(
                        entry.get("lowres_pre_relu_file").asText())).slice(0), expected.dim(1), expected.dim(2));
            }
            Tensor rounded = float32Sensitivity(model, layer, input, methodName, options, manifest);
            double[] selfConsistency = methodName.equals("SegEigenCAM") ? recordedProjectionAgreement(manifest, entry)
                    : null;
            for (int i = 0; i < expected.dim(0); i++) {
                Tensor a = ours.slice(i);
                Tensor b = expected.slice(i);
                double noise = rounded == null ? 0 : rounded.slice(i).maxAbsDiff(a);
                if (selfConsistency != null && selfConsistency[i] < 0.9999) {
                    System.out.printf("parity %s image %d: the reference's low-res map is not the projection of its own"
                            + " recorded activations x gradients (|r| %.5f), so only r is checked%n", key, i,
                            selfConsistency[i]);
                    noise = Double.POSITIVE_INFINITY;
                }
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

    /**
     * Per image, |Pearson r| between the reference's SegEigenCAM low-res map and the projection of the manifest's own
     * recorded activations x |gradients| (token layers folded as the manifest's reshape says: leading tokens dropped,
     * a square grid). Where it is below 1, the reference computed its map from other tensors than it recorded.
     */
    private static double[] recordedProjectionAgreement(ParityManifest manifest, JsonNode entry) {
        String model = entry.get("file").asText().split("/")[0];
        JsonNode m = manifest.model(model);
        Tensor a = folded(Npy.read(manifest.file(m.get("activation").asText())));
        Tensor g = folded(Npy.read(manifest.file(m.get("gradient").asText())));
        Tensor product = Tensor.zeros(a.shape());
        for (int k = 0; k < a.size(); k++) {
            product.put(k, a.at(k) * Math.abs(g.at(k)));
        }
        Tensor projection = org.cam4j.math.EigenProjection.project(product);
        Tensor reference = Npy.read(manifest.file(entry.get("lowres_pre_relu_file").asText())).slice(0);
        double[] r = new double[reference.dim(0)];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.abs(projection.slice(i).pearson(reference.slice(i)));
        }
        return r;
    }

    /** B x C x h x w as is; B x T x C tokens to B x C x s x s with the T - s*s leading tokens dropped. */
    private static Tensor folded(Tensor raw) {
        if (raw.rank() == 4) {
            return raw;
        }
        int b = raw.dim(0);
        int t = raw.dim(1);
        int c = raw.dim(2);
        int side = (int) Math.floor(Math.sqrt(t));
        int skip = t - side * side;
        Tensor out = Tensor.zeros(b, c, side, side);
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < side * side; p++) {
                for (int ch = 0; ch < c; ch++) {
                    out.put(((i * c + ch) * side * side) + p, raw.at((i * t + skip + p) * c + ch));
                }
            }
        }
        return out;
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
