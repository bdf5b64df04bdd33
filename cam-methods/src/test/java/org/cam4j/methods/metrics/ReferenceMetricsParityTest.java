package org.cam4j.methods.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.NoisyLinearImputer;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;
import org.cam4j.spi.Methods;
import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.SoftmaxTarget;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.ParityManifest;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;

/**
 * Every metric against the reference's values on its own GradCAM maps of resnet18 ({@code ../shared/parity}: the
 * model's {@code metrics} entry and {@code metrics/manifest.json}), within 1e-4; the imputer against the
 * reference's imputed batches. Names are the reference's, with {@code _p<percentiles>}, {@code _noise<x>},
 * {@code _softmax} and {@code _<method>} suffixes; names whose metric does not exist yet are skipped and printed.
 */
class ReferenceMetricsParityTest {
    private static final double TOLERANCE = 1e-4;

    private record Reference(String key, JsonNode values) {
    }

    @Test
    void metricsMatchTheReference() throws Exception {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        Path dir = SharedData.parity().get();
        List<Reference> refs = new ArrayList<>();
        for (JsonNode source : List.of(manifest.model("resnet18").path("metrics").path("values"),
                new ObjectMapper().readTree(dir.resolve("metrics/manifest.json").toFile()).path("values"))) {
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                refs.add(new Reference(e.getKey(), e.getValue()));
            }
        }
        assumeTrue(!refs.isEmpty(), "no metric references in the manifest");
        Tensor input = Npy.read(manifest.file("input_batch.npy"));
        Tensor cams = Npy.read(manifest.file("resnet18/GradCAM.cam.npy"));
        String layer = manifest.model("resnet18").get("target_layer").get("pytorch").asText();
        int compared = 0;
        Map<String, MetricContext> contexts = new java.util.HashMap<>();
        try (OnnxModel model = new OnnxBackend().open(manifest.file("models/resnet18.onnx"), ModelOptions.defaults());
             Cam gradCam = new Cam(model, Methods.get("GradCAM"), List.of(layer), CamOptions.defaults())) {
            for (Reference ref : refs) {
                String[] parts = ref.key().split("_");
                if (!Metrics.registry().contains(parts[0])) {
                    System.out.println("metric parity: " + ref.key() + " skipped, no metric " + parts[0] + " yet");
                    continue;
                }
                boolean softmax = ref.key().contains("_softmax");
                List<Target> targets = List.of(softmax ? new SoftmaxTarget(281) : new ClassifierOutputTarget(281),
                        softmax ? new SoftmaxTarget(243) : new ClassifierOutputTarget(243));
                List<Double> percentiles = new ArrayList<>();
                double noise = 0.01;
                for (String p : parts) {
                    if (p.startsWith("noise")) {
                        noise = Double.parseDouble(p.substring(5));
                    }
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("_p([0-9_]+?)(_noise|_softmax|$)")
                        .matcher(ref.key());
                if (m.find()) {
                    percentiles.clear();
                    for (String v : m.group(1).split("_")) {
                        percentiles.add(Double.parseDouble(v));
                    }
                }
                CamMetric metric = Metrics.get(parts[0]);
                List<Double> averaged = metric.perPercentile() || percentiles.isEmpty()
                        ? List.of(20.0, 40.0, 60.0, 80.0) : percentiles;
                // one context (and memo) per target type, noise and averaged percentiles, as one evaluation has
                MetricContext context = contexts.computeIfAbsent(softmax + "|" + noise + "|" + averaged,
                        k -> new MetricContext(model, input, cams, targets, 80, averaged, noise0(k), 0, gradCam))
                        .atPercentile(percentiles.isEmpty() ? 80 : percentiles.get(0));
                long start = System.nanoTime();
                double[] ours = metric.evaluate(context);
                System.out.printf("metric parity %s: %.2f s%n", ref.key(), (System.nanoTime() - start) / 1e9);
                for (int i = 0; i < ours.length; i++) {
                    double expected = ref.values().get(i).asDouble();
                    System.out.printf("metric parity %s image %d: ours %.6f, reference %.6f%n", ref.key(), i,
                            ours[i], expected);
                    assertThat(ours[i]).as("%s image %d", ref.key(), i)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(TOLERANCE));
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(0);
    }

    private static double noise0(String key) {
        return Double.parseDouble(key.split("\\|")[1]);
    }

    @Test
    void imputedBatchesMatchTheReference() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity not present");
        ParityManifest manifest = new ParityManifest(SharedData.parity().get());
        Tensor input = Npy.read(manifest.file("input_batch.npy"));
        Tensor cams = Npy.read(manifest.file("resnet18/GradCAM.cam.npy"));
        for (boolean least : new boolean[] {false, true}) {
            Path file = manifest.file("metrics/ROAD" + (least ? "Least" : "Most") + "RelevantFirst_p50_noise0_imputed.npy");
            assumeTrue(java.nio.file.Files.isRegularFile(file), file + " not present");
            Tensor expected = Npy.read(file);
            for (int i = 0; i < 2; i++) {
                float[] m = cams.slice(i).toArray();
                if (least) {
                    for (int k = 0; k < m.length; k++) {
                        m[k] = 1f - m[k];
                    }
                }
                float threshold = (float) org.cam4j.metrics.Percentile.of(m, 50);
                boolean[] keep = new boolean[m.length];
                for (int k = 0; k < m.length; k++) {
                    keep[k] = m[k] < threshold;
                }
                Tensor ours = new NoisyLinearImputer(0, 0).impute(input.slice(i), keep);
                double delta = ours.maxAbsDiff(expected.slice(i));
                System.out.printf("imputer %s image %d: max |delta| %.2e%n", least ? "LeRF" : "MoRF", i, delta);
                assertThat(delta).isLessThan(1e-4);
            }
        }
    }
}
