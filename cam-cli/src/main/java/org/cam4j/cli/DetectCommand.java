package org.cam4j.cli;

import org.cam4j.engine.FieldNames;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.DetectionLoop;
import org.cam4j.engine.DetectionRequest;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.NpyInputs;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cam4j.detection.Detection;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam detect}: boxes found by a detector, and a CAM for all of them or one per box. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Explain an object detector: detect boxes, then a CAM for all detections or one per box.",
            "With no --model and no --image: the bundled UltraFace face detector on a bundled group photo."})
final class DetectCommand implements Callable<Integer> {
    /** Methods whose channel weights pool the gradient over the whole map (see the README's measurement). */
    private static final java.util.Set<String> POOLED_WEIGHTS = java.util.Set.of("GradCAM", "GradCAMPlusPlus",
            "XGradCAM", "ShapleyCAM", "FinerCAM");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    OverlayArgs overlayArgs = new OverlayArgs();

    @Mixin
    MethodArgs methodArgs = new MethodArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithInputLayout();

    @Option(names = {"--image", "--image-path"}, arity = "1..*", paramLabel = "FILE|DIR|GLOB",
            description = "Photos: files, folders or globs. Default: the bundled photo.")
    List<String> images;

    @Option(names = "--input", paramLabel = "BATCH.npy", description = {"A preprocessed input batch (N x C x H x W,"
            + " or one C x H x W image) instead of photos: its detections are listed (boxes in input pixels), no"
            + " overlay is drawn.", "Explain them with 'cam explain --input BATCH.npy --target boxes:LAYOUT:...'."})
    Path npyInput;

    @Option(names = "--layout", defaultValue = "auto", paramLabel = "LAYOUT", description = {"Output layout: auto"
            + " (from the output shapes), ssd (boxes + scores outputs, class 0 background), yolov5 [N, anchors, 5 + K]"
            + ", yolov8 [N, 4 + K, anchors] or torchvision (post-processed boxes, scores and labels outputs);",
            "optionally with the box format and units, e.g. yolov8,xyxy,pixels"
            + " or ssd,cxcywh,normalized. Default: ${DEFAULT-VALUE}."})
    String layout;

    @Option(names = "--score-threshold", defaultValue = ImageDetector.DEFAULT_SCORE_THRESHOLD, paramLabel = "S",
            description = "Keep detections scoring above S. Default: ${DEFAULT-VALUE}.")
    double scoreThreshold;

    @Option(names = "--iou", defaultValue = ImageDetector.DEFAULT_IOU, paramLabel = "T",
            description = "Class-wise hard NMS: drop boxes overlapping a better one above T. Default: ${DEFAULT-VALUE}.")
    double iou;

    @Option(names = "--top-k", defaultValue = ImageDetector.DEFAULT_TOP_K, paramLabel = "K",
            description = "At most K detections per photo (0: all). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--letterbox", negatable = true, description = {"Resize keeping the aspect ratio and pad with"
            + " grey; --no-letterbox stretches the photo to the input size.", "Default: letterbox for the YOLO layouts"
            + " (as Ultralytics exports expect), stretch for SSD."})
    Boolean letterbox;

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER", description = "Target layers (default: the"
            + " feature maps the detection heads read, one per pyramid level; several are combined).")
    List<String> layers;

    @Option(names = "--per-box", description = "One CAM per detection (<image>.<method>.box<k>.png) instead of one for"
            + " all.")
    boolean perBox;

    @Option(names = "--renormalize", description = "Scale the CAM inside each box on its own and zero it outside"
            + " (the reference's renormalize_cam_in_bounding_boxes).")
    boolean renormalize;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (SSD: background first).")
    Path labelsFile;

    @Option(names = "--out", defaultValue = "cam-out", paramLabel = "DIR",
            description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--save-npy", description = "Also write each CAM as float32 .npy at the photo's resolution.")
    boolean saveNpy;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Override
    public Integer call() {
        DetectionRequest detection = DetectionRequest.of(layout, scoreThreshold, iou, topK, letterbox, perBox,
                renormalize, FieldNames.CLI);
        overlayArgs.check();
        List<MethodChoice> methods = methodArgs.choices(false, false, false);
        if (npyInput != null && images != null) {
            throw new RequestException("give --image or --input, not both");
        }
        boolean demo = images == null && npyInput == null;
        if (modelArgs.model == null) {
            modelArgs.model = DefaultModel.detector();
        }
        List<Path> photos = demo ? List.of(DefaultModel.detectorImage()) : npyInput != null ? List.of()
                : ImageInputs.expand(images, Path.of(""));
        CamRequest request = CamRequest.of(CamRequest.Task.DETECTION, modelArgs.setup(preprocessingArgs.request(),
                labelsFile, layers), methods, null, TargetSpecs.Files.READ, null, detection, overlayArgs.imageWeight,
                FieldNames.CLI);
        try (DetectorOpening.Opened opened = request.openDetector()) {
            DetectionLayout layout = opened.outputs().layout();
            ImageDetector detector = request.detector(opened);
            if (npyInput != null) {
                return listDetections(detector, NpyInputs.batch(Npy.read(npyInput), opened.model()), layout);
            }
            OutputFolder folder = OutputFolder.create(out, "--out");
            if (!json) {
                spec.commandLine().getOut().println("layout " + opened.outputs().layout().spec() + ", layers "
                        + String.join(", ", detector.layers()));
                if (perBox && methods.stream().anyMatch(m -> POOLED_WEIGHTS.contains(m.method().name()))) {
                    spec.commandLine().getErr().println("cam: note: Grad-CAM-style weights are gradients averaged over"
                            + " the map, so one box's map lights every similar object; HiResCAM or LayerCAM localise"
                            + " one box");
                }
            }
            return run(detection.loop(detector), detector, photos, OutputNames.assign(photos), folder,
                    methods, demo);
        }
    }


    /** The detections of every image of a preprocessed batch, boxes in input pixels; nothing is written. */
    private int listDetections(ImageDetector detector, Tensor batch, DetectionLayout layout) {
        PrintWriter stdout = spec.commandLine().getOut();
        ObjectNode summary = Yaml.json().createObjectNode();
        ArrayNode rows = summary.putArray("images");
        boolean nhwc = detector.inputLayoutIsNhwc();
        int height = batch.dim(nhwc ? 1 : 2);
        int width = batch.dim(nhwc ? 2 : 3);
        for (int i = 0; i < batch.dim(0); i++) {
            List<Detection> found = detector.detect(batch.rows(i, i + 1));
            ObjectNode row = rows.addObject().put("image", i);
            ArrayNode shown = row.putArray("detections");
            if (!json) {
                stdout.println("image " + i + ": " + found.size() + " detection(s)");
            }
            for (int k = 0; k < found.size(); k++) {
                Detection d = found.get(k);
                double[] b = layout.toInputPixels(d.box(), width, height);
                ObjectNode o = shown.addObject().put("label", detector.label(d)).put("class", d.label())
                        .put("score", d.score()).put("anchor", d.anchor());
                ImageDetector.putBox(o, b);
                if (!json) {
                    stdout.println(String.format(java.util.Locale.ROOT, "  box%d %s %.4f [%.2f, %.2f, %.2f, %.2f]",
                            k, detector.label(d), d.score(), b[0], b[1], b[2], b[3]));
                }
            }
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        }
        return 0;
    }

    private int run(DetectionLoop loop, ImageDetector detector, List<Path> photos, Map<Path, String> names,
                    OutputFolder folder, List<MethodChoice> methods, boolean demo) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ObjectNode summary = Yaml.json().createObjectNode();
        ArrayNode rows = summary.putArray("images");
        List<String> failures = new ArrayList<>();
        // photos are decoded and letterboxed ahead of the model, overlays blended and encoded behind it, on one
        // worker per core (bounded, as in cam explain)
        try (ImagePipeline writer = detector.writer(overlayArgs.maxPixels)) {
            loop.run(writer, photos, Path::toString,
                    overlayArgs.maxPixels, null, methods, new DetectionLoop.Results() {
                        @Override
                        public void failed(ImageDetector.Prepared failed) {
                            failures.add(failed.file() + ": " + failed.error());
                            rows.addObject().put("image", failed.file().toString()).put("error", failed.error());
                        }

                        @Override
                        public DetectionLoop.PhotoResults photo(ImageDetector.Found found) {
                            Path photo = found.file();
                            String shown = demo ? photo.getFileName().toString() : photo.toString();
                            ObjectNode row = rows.addObject().put("image", shown);
                            return new WrittenPhoto(detector, found, names.get(photo), folder, row, writer, () -> {
                                if (!json) {
                                    report(detector, found, shown, row, stdout, stderr);
                                }
                            });
                        }
                    });
        }
        if (failures.size() == photos.size()) {
            throw new RequestException(photos.size() == 1 ? failures.get(0) : "none of the " + photos.size()
                    + " photos could be read; the first: " + failures.get(0));
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> stderr.println("cam: skipped: " + f));
            stderr.println("cam: " + failures.size() + " of " + photos.size() + " photo(s) failed; the others are done");
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }

    /** One photo's overlays (and maps), written behind as computed and listed in its JSON row. */
    private final class WrittenPhoto implements DetectionLoop.PhotoResults {
        private final ImageDetector detector;
        private final ImageDetector.Found found;
        private final String name;
        private final OutputFolder folder;
        private final ImagePipeline writer;
        private final ArrayNode files;
        private final List<ArrayNode> boxFiles = new ArrayList<>();
        private final Runnable done;

        WrittenPhoto(ImageDetector detector, ImageDetector.Found found, String name, OutputFolder folder,
                     ObjectNode row, ImagePipeline writer, Runnable done) {
            this.detector = detector;
            this.found = found;
            this.name = name;
            this.folder = folder;
            this.writer = writer;
            this.done = done;
            ArrayNode shownDetections = row.putArray("detections");
            for (Detection d : found.detections()) {
                ObjectNode o = detector.describe(found, d, shownDetections.addObject()).put("class", d.label())
                        .put("anchor", d.anchor());
                boxFiles.add(o.putArray("files"));
            }
            this.files = row.putArray("files");
        }

        private String base(MethodChoice method) {
            return name + "." + OutputFolder.safeName(method.method().name());
        }

        @Override
        public void map(DetectionLoop.PhotoMap map) {
            String base = base(map.method()) + (map.perBox() ? ".box" + map.box() : "");
            overlayArgs.write(writer, folder, base, () -> detector.overlay(found, map.map(), map.drawn()),
                    saveNpy ? map.map() : null, map.perBox() ? boxFiles.get(map.box()) : files);
        }

        @Override
        public void methodDone(MethodChoice method, int maps, double seconds) {
            if (maps == 0) {
                // nothing to explain box by box: the photo with no boxes, so the run still shows what it saw
                overlayArgs.write(writer, folder, base(method), () -> detector.overlay(found,
                        Tensor.zeros(found.photo().height(), found.photo().width()), List.of()), null, files);
            }
        }

        @Override
        public void done() {
            done.run();
        }
    }

    private void report(ImageDetector detector, ImageDetector.Found found, String shown, ObjectNode row,
                        PrintWriter stdout, PrintWriter stderr) {
        List<Detection> detections = found.detections();
        if (detections.isEmpty()) {
            stderr.println("cam: " + shown + ": no detection above --score-threshold " + scoreThreshold + "; the"
                    + " overlay shows no boxes (lower --score-threshold to see weaker ones)");
        } else {
            stdout.println(shown + ": " + detections.size() + " detection(s)");
        }
        for (int k = 0; k < detections.size(); k++) {
            Detection d = detections.get(k);
            double[] b = detector.photoBox(found, d);
            stdout.println(String.format(java.util.Locale.ROOT, "  box%d %s %.2f [%.0f, %.0f, %.0f, %.0f]", k,
                    detector.label(d), d.score(), b[0], b[1], b[2], b[3]));
        }
        row.withArray("files").forEach(f -> stdout.println("  -> " + f.asText()));
        row.withArray("detections").forEach(d -> d.withArray("files").forEach(f -> stdout.println("  -> "
                + f.asText())));
    }
}
