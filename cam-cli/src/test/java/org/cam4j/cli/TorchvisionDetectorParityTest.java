package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cam4j.detection.Boxes;
import org.cam4j.math.CamOps;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pytorch-grad-cam's {@code FasterRCNNBoxScoreTarget} on torchvision's detectors as {@code torch.onnx}
 * exports them ({@code ../shared/parity/torchdet}: one unbatched 3 x H x W image in, post-NMS boxes, labels and scores
 * out): every method through {@code cam explain --input input.npy --target 'boxes:torchvision:L@x1,y1,x2,y2;...'},
 * within 0.01 and Pearson r 0.999 of the reference's CAM (EigenCAM's sign is open, as the reference's SVD leaves
 * it); and {@code cam detect --json --input input.npy} finds the reference's target boxes. Skipped, with a message,
 * when {@code ../shared} is absent.
 */
class TorchvisionDetectorParityTest {
    private static final double MAX_DELTA = 0.01;
    private static final double MIN_PEARSON = 0.999;

    @TempDir
    Path dir;

    @Test
    void boxScoreCamsMatchTheReference() throws Exception {
        Path root = reference();
        JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
        int checked = 0;
        for (var it = manifest.get("models").fields(); it.hasNext(); ) {
            var entry = it.next();
            JsonNode m = entry.getValue();
            List<String> methods = new ArrayList<>();
            m.get("methods").fieldNames().forEachRemaining(methods::add);
            List<String> args = new ArrayList<>(List.of("explain", "--model", model(m).toString(), "--input",
                    root.resolve("input.npy").toString(), "--layer", m.get("target_layer").get("onnx_tensor").asText(),
                    "--target", target(m), "--save-npy", dir.resolve("cams.npy").toString(), "--method"));
            args.addAll(methods);
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            for (String method : methods) {
                JsonNode expected = m.get("methods").get(method);
                Tensor reference = Npy.read(root.resolve(expected.get("file").asText())).slice(0);
                Tensor ours = Npy.read(dir.resolve(methods.size() == 1 ? "cams.npy" : "cams." + method + ".npy"))
                        .slice(0);
                Path lowres = root.resolve(expected.get("file").asText().replace(".cam.npy", ".lowres.npy"));
                if (method.contains("Eigen") && Files.isRegularFile(lowres) && ours.pearson(reference) < 0) {
                    // the principal component's sign is open: the reference's map with the other sign
                    Tensor flipped = Npy.read(lowres).slice(0).copy();
                    for (int k = 0; k < flipped.size(); k++) {
                        flipped.put(k, -flipped.at(k));
                    }
                    reference = CamOps.scale(CamOps.relu(flipped), reference.dim(0), reference.dim(1)).slice(0);
                }
                System.out.printf(Locale.ROOT, "torchvision parity %s %s: max|delta| %.5f, Pearson r %.6f%n",
                        entry.getKey(), method, ours.maxAbsDiff(reference), ours.pearson(reference));
                assertThat(ours.maxAbsDiff(reference)).as(method).isLessThanOrEqualTo(MAX_DELTA);
                assertThat(ours.pearson(reference)).as(method + " Pearson r").isGreaterThanOrEqualTo(MIN_PEARSON);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(0);
    }

    @Test
    void detectFindsTheReferenceTargets() throws Exception {
        Path root = reference();
        JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
        for (var it = manifest.get("models").fields(); it.hasNext(); ) {
            JsonNode m = it.next().getValue();
            CliRun r = CliRun.of("detect", "--model", model(m).toString(), "--input",
                    root.resolve("input.npy").toString(), "--score-threshold", "0", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode found = new ObjectMapper().readTree(r.out()).get("images").get(0).get("detections");
            for (JsonNode t : m.get("targets")) {
                double best = 0;
                for (JsonNode d : found) {
                    if (d.get("class").asInt() == t.get("label").asInt()) {
                        best = Math.max(best, Boxes.iou(box(t.get("box")), box(d.get("box"))));
                    }
                }
                assertThat(best).as("IoU of the best detection with target %s", t).isGreaterThanOrEqualTo(0.99);
            }
        }
    }

    private static Path reference() {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity is not present");
        Path root = SharedData.parity().get().resolve("torchdet");
        assumeTrue(Files.isRegularFile(root.resolve("manifest.json")), "no torchvision detector reference in ../shared");
        return root;
    }

    private static Path model(JsonNode m) {
        return SharedData.parity().get().resolve("models").resolve(m.get("onnx").asText());
    }

    /** The reference's FasterRCNNBoxScoreTarget(labels, boxes) as a boxes:torchvision target. */
    static String target(JsonNode m) {
        List<String> refs = new ArrayList<>();
        for (JsonNode t : m.get("targets")) {
            double[] b = box(t.get("box"));
            refs.add(t.get("label").asInt() + "@" + b[0] + "," + b[1] + "," + b[2] + "," + b[3]);
        }
        return "boxes:torchvision:" + String.join(";", refs);
    }

    private static double[] box(JsonNode b) {
        return new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()};
    }
}
