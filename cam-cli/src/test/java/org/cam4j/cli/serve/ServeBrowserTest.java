package org.cam4j.cli.serve;

import org.cam4j.engine.FieldNames;
import org.cam4j.cli.Chromium;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cam serve}'s page in a real headless Chromium: it loads, takes the bundled photo through the same path as a
 * dropped file, runs GradCAM and EigenCAM, and shows both overlays. The screenshot is kept as a test artifact
 * ({@code target/serve-page.png}).
 */
class ServeBrowserTest {
    @TempDir
    Path dir;

    @Test
    void thePageExplainsTheBundledPhoto() throws Exception {
        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
        Path model = DefaultModel.model();
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults())) {
            CamServer.Served served = bundled(model, opened);
            try (CamServer server = CamServer.start("127.0.0.1", 0, List.of(served),
                    new CamServer.Limits(8, 60, 1 << 24, 10_000_000))) {
                // a first visit, with no image chosen: the page explains the bundled photo by itself
                String url = "http://127.0.0.1:" + server.port() + "/?methods=GradCAM,EigenCAM";
                // warm the server (sessions built) so the page's requests answer quickly
                String body = "{\"image\": \"" + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(
                        DefaultModel.image())) + "\", \"methods\": [\"GradCAM\", \"EigenCAM\"], \"format\": \"npy\"}";
                var warm = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/explain"))
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
                // headless Chromium's virtual time does not always wait for the page's fetches: a cold first run of
                // the model can outlast it, so the page is loaded again (the server is warm by then), a few times
                String dom = "";
                for (int attempt = 0; attempt < 5 && !dom.contains("data-done=\"2\""); attempt++) {
                    dom = Chromium.run(chromium, dir, 20000, "--dump-dom", url);
                }
                assertThat(dom).contains("data-done=\"2\" data-total=\"2\"").contains("2 of 2 overlays shown")
                        .contains("dog 0.51");
                Path shot = Path.of("target", "serve-page.png").toAbsolutePath();
                Files.createDirectories(shot.getParent());
                RgbImage png = null;
                for (int attempt = 0; attempt < 5 && (png == null || distinctColours(png) <= 500); attempt++) {
                    Chromium.run(chromium, dir, 20000, "--window-size=1100,800", "--screenshot=" + shot, url);
                    png = ImageFiles.read(shot);
                }
                assertThat(png.width()).isEqualTo(1100);
                assertThat(distinctColours(png)).as("distinct colours in the overlays").isGreaterThan(500);
            }
        }
    }

    @Test
    void thePageShowsCamEvaluatesTableForTheChosenMethods() throws Exception {
        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
        Path model = DefaultModel.model();
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults())) {
            CamServer.Served served = bundled(model, opened);
            try (CamServer server = CamServer.start("127.0.0.1", 0, List.of(served),
                    new CamServer.Limits(8, 60, 1 << 24, 10_000_000))) {
                String url = "http://127.0.0.1:" + server.port() + "/?methods=GradCAM,EigenCAM&evaluate=1";
                String dom = "";
                for (int attempt = 0; attempt < 5 && !dom.contains("data-done=\"2\""); attempt++) {
                    dom = Chromium.run(chromium, dir, 30000, "--dump-dom", url);
                }
                assertThat(dom).contains("data-done=\"2\"").contains("<th>metric</th><th>EigenCAM</th><th>GradCAM</th>")
                        .contains("<td>ROADCombined</td>").contains("<td>DropInConfidence</td>")
                        .doesNotContain("PointingGame");
            }
        }
    }

    @Test
    void thePageDrawsADetectorsBoxesAndShowsTheChosenBoxsMaps() throws Exception {
        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
        Path model = org.cam4j.testdata.TestFiles.ultraface(dir);
        ModelSettings settings = ModelSettings.beside(model);
        try (org.cam4j.engine.DetectorOpening.Opened opened = org.cam4j.engine.DetectorOpening.open(extra ->
                Backends.choose(model, null).open(model, new ModelOptions("cpu", 0, null, true, extra)), model, "auto");
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("faces", model,
                     opened.model(), settings, Labels.read(model.resolveSibling("labels.txt")),
                     org.cam4j.engine.DetectorOpening.preprocessing(PreprocessingRequest.NONE, settings,
                             opened.model(), opened.outputs().layout(), FieldNames.CLI, FieldNames.CLI), opened.outputs().layout())),
                     new CamServer.Limits(4, 120, 1 << 23, 10_000_000))) {
            // a first visit explains the bundled group photo (many faces), opened here on its second face
            String url = "http://127.0.0.1:" + server.port() + "/?methods=HiResCAM,EigenCAM&box=2";
            String dom = "";
            for (int attempt = 0; attempt < 5 && !dom.contains("data-done=\"2\""); attempt++) {
                dom = Chromium.run(chromium, dir, 30000, "--dump-dom", url);
            }
            assertThat(dom).contains("detection(s)").contains("data-done=\"2\"").contains("id=\"boxes\"");
            java.util.regex.Matcher found = java.util.regex.Pattern.compile("data-detections=\"(\\d+)\"")
                    .matcher(dom);
            assertThat(found.find()).as(dom).isTrue();
            assertThat(Integer.parseInt(found.group(1))).as("faces found").isGreaterThan(2);
            assertThat(dom).contains("data-chosen=\"1\"").contains("class=\"chosen\">2: face");
            Path shot = Path.of("target", "serve-detector-page.png").toAbsolutePath();
            Chromium.run(chromium, dir, 30000, "--window-size=1100,900", "--screenshot=" + shot, url);
            assertThat(ImageFiles.read(shot).width()).isEqualTo(1100);
        }
    }

    @Test
    void thePageShowsASegmentersOwnMaskBesideItsMaps() throws Exception {
        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
        Path model = Files.write(dir.resolve("seg.onnx"),
                org.cam4j.testdata.SyntheticModels.segmenter(11, 3).toByteArray());
        try (ExplainableModel opened = Backends.choose(model, null).open(model, ModelOptions.defaults());
             CamServer server = CamServer.start("127.0.0.1", 0, List.of(new CamServer.Served("seg", model, opened,
                     ModelSettings.none(), Labels.none(), PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                     opened, FieldNames.CLI, FieldNames.CLI))), new CamServer.Limits(4, 60, 1 << 24, 10_000_000))) {
            String url = "http://127.0.0.1:" + server.port() + "/?methods=GradCAM";
            String dom = "";
            for (int attempt = 0; attempt < 5 && !dom.contains("data-done=\"1\""); attempt++) {
                dom = Chromium.run(chromium, dir, 30000, "--dump-dom", url);
            }
            assertThat(dom).contains("<b>Segmentation</b>: class").contains("data-done=\"1\"")
                    .contains("largest class (own mask)").contains("data-method=\"mask\"");
        }
    }

    /** The bundled model served as cam serve serves it, with its YAML's preprocessing and labels. */
    private static CamServer.Served bundled(Path model, ExplainableModel opened) {
        ModelSettings settings = ModelSettings.beside(model);
        return new CamServer.Served("cifar10-resnet8", model, opened, settings,
                Labels.read(model.resolveSibling("labels.txt")),
                PreprocessingRequest.NONE.resolve(settings, opened, FieldNames.CLI, FieldNames.CLI));
    }

    /** Distinct colours in the overlays' area (right of the controls): many, not a blank page. */
    private static int distinctColours(RgbImage png) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 100; y < 320; y += 2) {
            for (int x = 360; x < 820; x += 2) {
                int i = (y * png.width() + x) * 3;
                colours.add(Math.round(png.pixels().at(i) * 255) << 16
                        | Math.round(png.pixels().at(i + 1) * 255) << 8 | Math.round(png.pixels().at(i + 2) * 255));
            }
        }
        return colours.size();
    }
}
