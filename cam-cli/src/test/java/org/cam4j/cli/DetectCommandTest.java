package org.cam4j.cli;

import org.cam4j.engine.FieldNames;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.Labels;
import org.cam4j.engine.ModelRequest;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cam4j.detection.Boxes;
import org.cam4j.detection.Detection;
import org.cam4j.detection.PostProcessing;
import org.cam4j.image.ImageFiles;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticDetectors;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cam detect} on the real UltraFace detector and on the synthetic YOLO layouts. */
class DetectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path ultraface;

    @BeforeAll
    static void files() {
        ultraface = TestFiles.ultraface(dir);
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r;
    }

    private static void fails(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(CamCli.BAD_INPUT);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(expected).doesNotContain("\tat ");
    }

    /** The UltraFace detector as cam detect opens it, with the repository's thresholds (0.7, NMS at 0.3). */
    private static ImageDetector detector(DetectorOpening.Opened opened) {
        ModelSettings settings = ModelSettings.beside(ultraface);
        return new ImageDetector(opened.model(), PreprocessingRequest.NONE.resolve(settings, opened.model(),
                FieldNames.CLI, FieldNames.CLI),
                Labels.read(ultraface.resolveSibling("labels.txt")), DetectorOpening.layers(null, settings,
                opened.model()), opened.outputs().layout(), new PostProcessing(0.7, 0.3, 0), false, 0.5f);
    }

    private static DetectorOpening.Opened open() {
        return ModelRequest.of(ultraface).openDetector("auto");
    }

    @Test
    void postProcessingFindsTheRepositorysBoxes() throws Exception {
        JsonNode reference = JSON.readTree(TestFiles.class.getResourceAsStream(TestFiles.ULTRAFACE_REFERENCE));
        try (DetectorOpening.Opened opened = open()) {
            assertThat(opened.outputs().layout().spec()).isEqualTo("ssd,xyxy,normalized,logits");
            ImageDetector detector = detector(opened);
            int compared = 0;
            for (String photo : TestFiles.ULTRAFACE_PHOTOS) {
                ImageDetector.Found found = detector.detect(detector.prepare(ultraface.resolveSibling(photo), photo,
                        ImageFiles.DEFAULT_MAX_PIXELS, null));
                JsonNode expected = reference.get(photo);
                assertThat(found.detections()).as(photo).hasSize(expected.size());
                List<double[]> ours = new ArrayList<>(found.detections().stream()
                        .map(d -> detector.photoBox(found, d)).toList());
                for (JsonNode e : expected) {
                    double[] box = JSON.convertValue(e.get("box"), double[].class);
                    double best = 0;
                    int at = -1;
                    for (int k = 0; k < ours.size(); k++) {
                        double iou = Boxes.iou(box, ours.get(k));
                        if (iou > best) {
                            best = iou;
                            at = k;
                        }
                    }
                    assertThat(best).as("%s box %s", photo, e).isGreaterThanOrEqualTo(0.95);
                    ours.remove(at);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(44 + 4 + 2 + 5 + 3);
        }
    }

    /**
     * Per-detection CAMs put most of their energy inside their own face's box grown by half its size: the
     * element-wise gradient methods (HiResCAM, LayerCAM) for every face; Grad-CAM's spatially averaged weights light
     * every face alike, so its energy falls inside the faces' boxes together, not the one explained.
     */
    @Test
    void perBoxCamsLocaliseTheirFace() {
        try (DetectorOpening.Opened opened = open()) {
            ImageDetector detector = detector(opened);
            int faces = 0;
            int gradCamOnFaces = 0;
            for (String photo : List.of("2.jpg", "13.jpg", "19.jpg", "23.jpg")) {
                ImageDetector.Found found = detector.detect(detector.prepare(ultraface.resolveSibling(photo), photo,
                        ImageFiles.DEFAULT_MAX_PIXELS, null));
                List<double[]> boxes = found.detections().stream().map(d -> grown(detector.photoBox(found, d)))
                        .toList();
                for (String method : List.of("HiResCAM", "LayerCAM")) {
                    Tensor cams = detector.cams(Methods.get(method), CamOptions.defaults(), found, true, false);
                    for (int k = 0; k < boxes.size(); k++) {
                        Tensor cam = detector.onPhoto(found, cams.slice(k));
                        assertThat(energyInside(cam, List.of(boxes.get(k)))).as("%s %s face %d", photo, method, k)
                                .isGreaterThan(0.5);
                    }
                }
                Tensor gradCams = detector.cams(Methods.get("GradCAM"), CamOptions.defaults(), found, true, false);
                for (int k = 0; k < boxes.size(); k++) {
                    faces++;
                    if (energyInside(detector.onPhoto(found, gradCams.slice(k)), boxes) > 0.5) {
                        gradCamOnFaces++;
                    }
                }
            }
            assertThat(faces).isEqualTo(14);
            assertThat(gradCamOnFaces).as("Grad-CAM maps mostly on the faces").isGreaterThanOrEqualTo(12);
        }
    }

    private static double[] grown(double[] b) {
        double w = b[2] - b[0];
        double h = b[3] - b[1];
        return new double[] {b[0] - w / 2, b[1] - h / 2, b[2] + w / 2, b[3] + h / 2};
    }

    private static double energyInside(Tensor cam, List<double[]> boxes) {
        int h = cam.dim(0);
        int w = cam.dim(1);
        double inside = 0;
        double total = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = cam.at(y * w + x);
                total += v;
                for (double[] b : boxes) {
                    if (x >= b[0] && x < b[2] && y >= b[1] && y < b[3]) {
                        inside += v;
                        break;
                    }
                }
            }
        }
        return total == 0 ? 0 : inside / total;
    }

    @Test
    void theBundledDemoDetectsFacesAndWritesOverlaysAndMaps() throws Exception {
        Path out = dir.resolve("demo");
        CliRun r = ok("detect", "--json", "--per-box", "--save-npy", "--top-k", "3", "--out", out.toString());
        JsonNode image = JSON.readTree(r.out()).get("images").get(0);
        assertThat(image.get("image").asText()).isEqualTo("1.jpg");
        assertThat(image.get("detections")).hasSize(3);
        for (JsonNode d : image.get("detections")) {
            assertThat(d.get("label").asText()).isEqualTo("face");
            assertThat(d.get("score").asDouble()).isGreaterThan(0.9);
            assertThat(d.get("box")).hasSize(4);
            List<String> files = new ArrayList<>();
            d.get("files").forEach(f -> files.add(f.asText()));
            assertThat(files).hasSize(2);
            Path png = Path.of(files.get(0));
            assertThat(png.getFileName().toString()).matches("1\\.GradCAM\\.box\\d\\.png");
            assertThat(ImageFiles.read(png).width()).isEqualTo(720);
            Tensor map = Npy.read(Path.of(files.get(1)));
            assertThat(map.shape()).containsExactly(478, 720);
        }
    }

    @Test
    void perBoxMapsOfSixHundredBoxesFitInAQuarterGigabyteOfHeap() throws Exception {
        // every box's map used to be held at once: 600 boxes needed more than a gigabyte of heap. (This test's
        // process, on the test class path, also found ONNX Runtime's native start-up overflowing the default 1 MB
        // stack of the main thread: exit 139, see LargeStack.)
        Path out = dir.resolve("many");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CamCli.class.getName(), "detect", "--model", ultraface.toString(), "--image",
                ultraface.resolveSibling("1.jpg").toString(), "--per-box", "--top-k", "600", "--score-threshold",
                "0.05", "--iou", "0.9", "--method", "GradCAM", "--out", out.toString())
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("exit of cam detect, which printed: %s", printed).isZero();
        assertThat(printed).contains("1.jpg: 600 detection(s)");
        try (var files = Files.list(out)) {
            assertThat(files.filter(f -> f.getFileName().toString().matches("1\\.GradCAM\\.box\\d+\\.png")))
                    .hasSize(600);
        }
    }

    @Test
    void boxByBoxMapsAreTheMapsOfOneRunOverEveryBox() {
        try (DetectorOpening.Opened opened = open()) {
            ImageDetector detector = detector(opened);
            ImageDetector.Found found = detector.detect(detector.prepare(ultraface.resolveSibling("1.jpg"), "1.jpg",
                    ImageFiles.DEFAULT_MAX_PIXELS, null));
            assertThat(found.detections().size()).isGreaterThan(ImageDetector.BOXES_PER_RUN);
            Tensor chunked = detector.cams(Methods.get("GradCAM"), CamOptions.defaults(), found, true, false);
            try (org.cam4j.pipeline.Cam cam = new org.cam4j.pipeline.Cam(opened.model(), Methods.get("GradCAM"),
                    DetectorOpening.layers(null, ModelSettings.beside(ultraface), opened.model()),
                    CamOptions.defaults())) {
                List<Tensor> rows = new ArrayList<>();
                List<org.cam4j.targets.Target> targets = new ArrayList<>();
                for (org.cam4j.detection.Detection d : found.detections()) {
                    rows.add(found.input().slice(0));
                    targets.add(new org.cam4j.targets.DetectionScoreTarget(opened.outputs().layout(), d.anchor(),
                            d.label()));
                }
                Tensor all = cam.compute(Tensor.stack(rows), targets).cams();
                assertThat(chunked.maxAbsDiff(all)).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void aPhotoOverSixteenMegapixelsGetsBoxesInItsOwnPixels() throws Exception {
        // the photo 8x (22 megapixels, decoded subsampled by 2, so as the photo 4x) and the photo 4x: the same
        // pixels reach the model, and the large photo's boxes are the small one's doubled
        java.awt.image.BufferedImage photo = javax.imageio.ImageIO.read(ultraface.resolveSibling("1.jpg").toFile());
        Path x4 = enlarged(photo, 4, dir.resolve("x4.bmp"));
        Path x8 = enlarged(photo, 8, dir.resolve("x8.bmp"));
        JsonNode small = JSON.readTree(ok("detect", "--model", ultraface.toString(), "--image", x4.toString(),
                "--json", "--out", dir.resolve("x4").toString()).out()).get("images").get(0).get("detections");
        JsonNode large = JSON.readTree(ok("detect", "--model", ultraface.toString(), "--image", x8.toString(),
                "--json", "--out", dir.resolve("x8").toString()).out()).get("images").get(0).get("detections");
        assertThat(large.size()).isEqualTo(small.size()).isGreaterThan(2);
        for (int k = 0; k < large.size(); k++) {
            for (int c = 0; c < 4; c++) {
                assertThat(large.get(k).get("box").get(c).asDouble()).as("box %d coordinate %d", k, c)
                        .isCloseTo(2 * small.get(k).get("box").get(c).asDouble(),
                                org.assertj.core.data.Offset.offset(0.03));
            }
        }
        Files.deleteIfExists(x8);
    }

    /** The photo enlarged {@code factor} times by repeating pixels, written as BMP (fast, lossless). */
    private static Path enlarged(java.awt.image.BufferedImage photo, int factor, Path file) throws Exception {
        java.awt.image.BufferedImage big = new java.awt.image.BufferedImage(photo.getWidth() * factor,
                photo.getHeight() * factor, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = big.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(photo, 0, 0, big.getWidth(), big.getHeight(), null);
        g.dispose();
        javax.imageio.ImageIO.write(big, "bmp", file.toFile());
        return file;
    }

    @Test
    void noDetectionIsAMessageAndAnOverlayWithoutBoxes() {
        Path out = dir.resolve("none");
        CliRun r = ok("detect", "--model", ultraface.toString(), "--image", ultraface.resolveSibling("13.jpg")
                .toString(), "--score-threshold", "1", "--out", out.toString());
        assertThat(r.err()).contains("13.jpg: no detection above --score-threshold 1.0");
        assertThat(out.resolve("13.GradCAM.png")).exists();
        ok("detect", "--model", ultraface.toString(), "--image", ultraface.resolveSibling("13.jpg").toString(),
                "--score-threshold", "1", "--per-box", "--out", out.toString());
    }

    @Test
    void yoloLayoutsDefaultToLetterboxAndUnnormalisedPixels() throws Exception {
        Path model = dir.resolve("v8.onnx");
        Files.write(model, SyntheticDetectors.yolov8(7).toByteArray());
        try (DetectorOpening.Opened opened = ModelRequest.of(model).openDetector("auto")) {
            org.cam4j.detection.DetectionLayout yolo = opened.outputs().layout();
            org.cam4j.image.Preprocessing p = DetectorOpening.preprocessing(PreprocessingRequest.NONE, ModelSettings.none(),
                    opened.model(), yolo, FieldNames.CLI, FieldNames.CLI);
            assertThat(p.mean()).containsExactly(0f, 0f, 0f);
            assertThat(p.std()).containsExactly(1f, 1f, 1f);
            assertThat(DetectorOpening.letterbox(null, yolo)).isTrue();
            assertThat(DetectorOpening.letterbox(false, yolo)).isFalse();
            PreprocessingArgs given = new PreprocessingArgs();
            given.mean = List.of(0.5f, 0.5f, 0.5f);
            given.std = List.of(0.5f, 0.5f, 0.5f);
            assertThat(DetectorOpening.preprocessing(given.request(), ModelSettings.none(), opened.model(), yolo,
                    FieldNames.CLI, FieldNames.CLI)
                    .mean())
                    .containsExactly(0.5f, 0.5f, 0.5f);
        }
        assertThat(DetectorOpening.letterbox(null, org.cam4j.detection.DetectionLayout.parse("ssd"))).isFalse();
    }

    @Test
    void layersMarkTheDetectorsPyramidLevels() {
        CliRun r = ok("layers", "--model", ultraface.toString());
        assertThat(r.out().lines().filter(l -> l.startsWith("*"))).hasSize(5);
        assertThat(r.out()).contains("default layers, combined): 314 360 400 434");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        String photo = ultraface.resolveSibling("13.jpg").toString();
        fails("unknown detection layout 'retina'", "detect", "--model", ultraface.toString(), "--image", photo,
                "--layout", "retina");
        fails("do not look like a detector's", "detect", "--model", CliTestFiles.cnn(dir).toString(), "--image",
                photo);
        fails("is an object detector (ssd outputs [boxes, scores]); explain it with 'cam detect", "explain",
                "--model", ultraface.toString(), "--image", photo, "--out", dir.resolve("x").toString());
        fails("--score-threshold must be in [0, 1]", "detect", "--score-threshold", "2");
        // a YOLO-layout detector explained through cam explain with a detection target: no class predictions
        Path yolo = dir.resolve("v8-explain.onnx");
        Files.write(yolo, SyntheticDetectors.yolov8(7).toByteArray());
        CliRun explained = ok("explain", "--model", yolo.toString(), "--image", photo, "--target",
                "detection:yolov8:5:0", "--layer", SyntheticDetectors.P3, "--out", dir.resolve("z").toString());
        assertThat(explained.out().strip()).startsWith("GradCAM for detection:yolov8:5:0 ->");
        // cam evaluate: a detector's outputs are no class scores; detection targets make its metrics meaningful
        fails("metrics of detectors whose detections span several outputs are not supported yet", "evaluate",
                "--model", ultraface.toString(), "--image", photo, "--method", "GradCAM");
        fails("its outputs are no class scores: evaluate it with --target detection:", "evaluate", "--model",
                yolo.toString(), "--image", photo, "--method", "GradCAM", "--layer", SyntheticDetectors.P3);
        JsonNode metrics = JSON.readTree(ok("evaluate", "--model", yolo.toString(), "--image", photo, "--target",
                "detection:yolov8:5:0", "--layer", SyntheticDetectors.P3, "--method", "GradCAM", "--json").out());
        assertThat(metrics.toString()).contains("ROADMostRelevantFirst");
        // the other commands that read class scores: a batch run without 'task: detection', deep feature factorisation
        Path run = Files.writeString(dir.resolve("classify-detector.yaml"), "output: out-refused\nmodels: [{name: uf,"
                + " path: " + ultraface + "}]\nmethods: [GradCAM]\nimages: [" + photo + "]\n");
        fails("model uf is an object detector (ssd outputs [boxes, scores]); add 'task: detection' to the YAML",
                "batch", run.toString(), "--no-progress");
        assertThat(dir.resolve("out-refused").resolve("summary.json")).doesNotExist();
        fails("is an object detector (yolov8 outputs [output0]); explain it with 'cam detect", "dff", "--model",
                yolo.toString(), "--image", photo, "--out", dir.resolve("dff").toString());
        fails("do not fit the yolov8 layout", "detect", "--model", ultraface.toString(), "--image", photo,
                "--layout", "yolov8", "--out", dir.resolve("y").toString());
    }

    @Test
    void yoloLayoutsRunEveryKindOfMethodPerBox() throws Exception {
        Path photo = CliTestFiles.photo(dir.resolve("yolo.png"), 4, 48, 64);
        for (String kind : List.of("yolov5", "yolov8")) {
            Path model = dir.resolve(kind + ".onnx");
            Files.write(model, (kind.equals("yolov5") ? SyntheticDetectors.yolov5(7) : SyntheticDetectors.yolov8(7))
                    .toByteArray());
            Path out = dir.resolve("out-" + kind);
            CliRun r = ok("detect", "--model", model.toString(), "--image", photo.toString(), "--score-threshold",
                    "0.3", "--top-k", "2", "--letterbox", "--per-box", "--renormalize", "--save-npy", "--method",
                    "GradCAM", "EigenCAM", "AblationCAM", "ScoreCAM", "--json", "--out", out.toString());
            // one map for all detections: the box-score target drives the perturbation methods too
            JsonNode all = JSON.readTree(ok("detect", "--model", model.toString(), "--image", photo.toString(),
                    "--score-threshold", "0.3", "--method", "AblationCAM", "ScoreCAM", "KPCA_CAM", "--save-npy",
                    "--json", "--out", out.toString()).out()).get("images").get(0);
            assertThat(all.get("files")).hasSize(6);
            for (int k = 1; k < 6; k += 2) {
                assertThat(Npy.read(Path.of(all.get("files").get(k).asText())).max()).as(kind + " map " + k)
                        .isGreaterThan(0f);
            }
            JsonNode image = JSON.readTree(r.out()).get("images").get(0);
            JsonNode detections = image.get("detections");
            assertThat(detections).as(kind).hasSize(2);
            // EigenCAM reads no target: one map for all boxes, listed with the image
            assertThat(image.get("files")).hasSize(2);
            assertThat(image.get("files").get(0).asText()).endsWith("yolo.EigenCAM.png");
            for (JsonNode d : detections) {
                assertThat(d.get("files")).hasSize(6);
                Tensor map = Npy.read(Path.of(d.get("files").get(1).asText()));
                assertThat(map.shape()).containsExactly(48, 64);
                double[] box = JSON.convertValue(d.get("box"), double[].class);
                // renormalised: nothing outside the (photo-mapped) box
                for (int y = 0; y < 48; y++) {
                    for (int x = 0; x < 64; x++) {
                        boolean far = x < box[0] - 3 || x > box[2] + 3 || y < box[1] - 3 || y > box[3] + 3;
                        if (far) {
                            assertThat(map.at(y * 64 + x)).as("%s outside its box at %d,%d", kind, x, y)
                                    .isLessThan(1e-3f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchRunsDetectionTasksResumably() throws Exception {
        Path run = dir.resolve("batch");
        Files.createDirectories(run);
        Path yaml = Files.writeString(run.resolve("run.yaml"), String.join("\n",
                "output: out",
                "formats: [png, npy, json, html]",
                "task: detection",
                "detection: {score_threshold: 0.7, iou: 0.3, per_box: true}",
                "models:",
                "  - {name: faces, path: " + ultraface + "}",
                "methods: [HiResCAM]",
                "images: [" + ultraface.resolveSibling("13.jpg") + ", " + ultraface.resolveSibling("23.jpg") + "]",
                ""));
        CliRun first = ok("batch", yaml.toString(), "--no-progress");
        assertThat(first.out()).contains("explained 2 image(s)");
        JsonNode summary = JSON.readTree(run.resolve("out/summary.json").toFile());
        assertThat(summary).hasSize(2);
        int boxes = 0;
        for (JsonNode rec : summary) {
            assertThat(rec.get("model").asText()).isEqualTo("faces");
            assertThat(rec.get("cams")).hasSize(rec.get("detections").size());
            boxes += rec.get("detections").size();
            for (JsonNode cam : rec.get("cams")) {
                assertThat(run.resolve("out").resolve(cam.get("png").asText())).exists();
                assertThat(run.resolve("out").resolve(cam.get("npy").asText())).exists();
            }
        }
        assertThat(boxes).isEqualTo(2 + 3);
        assertThat(Files.readString(run.resolve("out/report.html"))).contains("<td class=\"pred\">face 1.000<br>face 1.000<br></td>");
        Path overlay = run.resolve("out/faces/13.HiResCAM.box0.png");
        long written = Files.getLastModifiedTime(overlay).toMillis();
        Thread.sleep(20);
        ok("batch", yaml.toString(), "--no-progress");
        assertThat(Files.getLastModifiedTime(overlay).toMillis()).as("a rerun skips finished images")
                .isEqualTo(written);
        Files.writeString(yaml, Files.readString(yaml).replace("task: detection", "task: tracking"));
        fails("unknown task 'tracking'; use classification, detection or segmentation", "batch", yaml.toString(),
                "--no-progress");
        // what a detector takes is the engine's rule, as cam serve refuses it (ServeDetectorTest)
        Files.writeString(yaml, Files.readString(yaml).replace("task: tracking", "task: detection")
                + "targets: {classes: [face]}\n");
        fails(yaml + ": targets: a detector takes no targets; every detection is explained", "batch", yaml.toString(),
                "--no-progress");
    }

    @Test
    void theShippedDetectionExampleRuns() throws Exception {
        Path out = dir.resolve("example");
        CliRun r = ok("batch", Path.of("..", "examples", "detect.yaml").toString(), "--out", out.toString(),
                "--no-progress");
        assertThat(r.out()).contains("explained 5 image(s) with 2 method(s)");
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        int faces = 0;
        for (JsonNode rec : summary) {
            faces += rec.get("detections").size();
            // one HiResCAM map per face, one EigenCAM map for all of them
            assertThat(rec.get("cams")).hasSize(rec.get("detections").size() + 1);
        }
        assertThat(faces).isEqualTo(58);
        assertThat(out.resolve("report.html")).exists();
    }
}
