package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pytorch-grad-cam's semantic-segmentation tutorial target on torchvision's LR-ASPP-MobileNetV3
 * ({@code ../shared/parity/segmentation}): every method of the reference, through {@code cam explain --input
 * input_batch.npy --target segmentation:C:mask0.npy segmentation:C:mask1.npy}, per image within 0.01 and Pearson r
 * 0.999 of the reference's CAM. Skipped, with a message, when {@code ../shared} is absent.
 */
class SegmentationParityTest {
    private static final double MAX_DELTA = 0.01;
    private static final double MIN_PEARSON = 0.999;

    @TempDir
    Path dir;

    @Test
    void lrasppCamsMatchTheReference() throws Exception {
        assumeTrue(SharedData.parity().isPresent(), "../shared/parity is not present");
        Path root = SharedData.parity().get().resolve("segmentation");
        assumeTrue(Files.isRegularFile(root.resolve("manifest.json")), "no segmentation reference in ../shared");
        JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
        var models = manifest.get("models").fields();
        int checked = 0;
        while (models.hasNext()) {
            var entry = models.next();
            JsonNode m = entry.getValue();
            Path model = SharedData.parity().get().resolve("models").resolve(m.get("onnx").asText());
            List<String> methods = new ArrayList<>();
            m.get("methods").fieldNames().forEachRemaining(methods::add);
            List<String> args = new ArrayList<>(List.of("explain", "--model", model.toString(), "--input",
                    root.resolve("input_batch.npy").toString(), "--layer",
                    m.get("target_layer").get("onnx_tensor").asText(), "--save-npy", dir.resolve("cams.npy").toString(),
                    "--method"));
            args.addAll(methods);
            args.add("--target");
            for (int i = 0; i < m.get("categories").size(); i++) {
                args.add("segmentation:" + m.get("categories").get(i).asInt() + ":"
                        + root.resolve(entry.getKey()).resolve("mask" + i + ".npy"));
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            for (String method : methods) {
                Tensor reference = Npy.read(root.resolve(m.get("methods").get(method).get("file").asText()));
                Tensor ours = Npy.read(dir.resolve(methods.size() == 1 ? "cams.npy" : "cams." + method + ".npy"));
                for (int i = 0; i < reference.dim(0); i++) {
                    Tensor a = ours.slice(i);
                    Tensor b = reference.slice(i);
                    System.out.printf("segmentation parity %s %s image %d: max|delta| %.5f%n", entry.getKey(), method,
                            i, a.maxAbsDiff(b));
                    assertThat(a.maxAbsDiff(b)).as("%s image %d", method, i).isLessThanOrEqualTo(MAX_DELTA);
                    if (b.max() > b.min()) {
                        assertThat(a.pearson(b)).as("%s image %d Pearson r", method, i)
                                .isGreaterThanOrEqualTo(MIN_PEARSON);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(0);
    }
}
