package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.Yaml;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.image.Overlay;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam segment}: CAMs of a segmentation model for the mask it predicts itself, as pytorch-grad-cam's
 * semantic-segmentation tutorial explains DeepLabV3: per photo {@code <stem>.mask.png} (the mask drawn on the photo)
 * and {@code <stem>.<method>.png}, with {@code --save-npy} the mask and the maps as {@code .npy} of the same size.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Explain a segmentation model: the mask is the model's own output for a class (argmax, or a"
            + " one-channel output above --threshold); the target is the class's score summed over the mask."})
final class SegmentCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    OverlayArgs overlayArgs = new OverlayArgs();

    @Mixin
    MethodArgs methodArgs = new MethodArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithLayout();

    @Option(names = {"--image", "--image-path"}, arity = "1..*", required = true, paramLabel = "FILE|DIR|GLOB",
            description = "Photos: files, folders or globs.")
    List<String> images;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output that is the segmentation"
            + " (default: the first).")
    String output;

    @Option(names = "--class", paramLabel = "C|LABEL", description = "The class to explain (default: the class with"
            + " the largest area other than the background, class 0).")
    String category;

    @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "T", description = "A one-channel output's mask:"
            + " probability above T (logits pass through the sigmoid first). Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--region", paramLabel = "x0,y0,x1,y1", split = ",", description = "Explain only the mask inside"
            + " this box (photo pixels): one object among several.")
    List<Double> region;

    @Option(names = "--layer", arity = "1..*", paramLabel = "LAYER",
            description = "Target layers (default: the model's suggested one).")
    List<String> layers;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line.")
    Path labelsFile;

    @Option(names = "--out", defaultValue = "cam-out", paramLabel = "DIR",
            description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--save-npy", description = "Also write the mask and each map as float32 .npy (the photo's size).")
    boolean saveNpy;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Override
    public Integer call() {
        overlayArgs.check();
        List<MethodChoice> methods = methodArgs.choices(false, false, false);
        double[] box = region == null ? null : region.stream().mapToDouble(Double::doubleValue).toArray();
        if (box != null && box.length != 4) {
            throw new RequestException("--region takes x0,y0,x1,y1, got " + box.length + " numbers");
        }
        List<Path> photos = ImageInputs.expand(images, Path.of(""));
        CamRequest request = CamRequest.of(CamRequest.Task.SEGMENTATION, modelArgs.setup(preprocessingArgs.request(),
                labelsFile, layers), methods, category == null ? null : List.of(category), TargetSpecs.Files.READ,
                null, null, overlayArgs.imageWeight, FieldNames.CLI);
        ModelSetup setup = request.model();
        try (ExplainableModel model = output == null ? setup.open() : setup.open(Map.of(ModelOptions.OUTPUTS, output))) {
            ImageExplainer explainer = request.explainer(model);
            ImageSegmenter segmenter = new ImageSegmenter(explainer, "model " + modelArgs.path(),
                    request.targets().isEmpty() ? null : request.targets().get(0), threshold, box, FieldNames.CLI);
            OutputFolder folder = OutputFolder.create(out, "--out");
            return run(explainer, segmenter, photos, OutputNames.assign(photos), folder, request.methods());
        }
    }

    private int run(ImageExplainer explainer, ImageSegmenter segmenter, List<Path> photos, Map<Path, String> names,
                    OutputFolder folder, List<MethodChoice> methods) {
        PrintWriter stdout = spec.commandLine().getOut();
        ObjectNode summary = Yaml.json().createObjectNode();
        ArrayNode rows = summary.putArray("images");
        List<String> failures = new ArrayList<>();
        try (ImagePipeline pipeline = explainer.pipeline(overlayArgs.maxPixels)) {
            new ExplainLoop(explainer, pipeline).run(photos, segmenter, methods, 1, new ExplainLoop.Results() {
                @Override
                public void failed(ImagePipeline.Failed f) {
                    String reason = CamCli.withFlag(f.reason(), f.field());
                    failures.add(reason);
                    rows.addObject().put("image", f.file().toString()).put("error", reason);
                }

                @Override
                public Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows batch) {
                    List<ObjectNode> shown = new ArrayList<>();
                    for (ImagePipeline.Loaded image : batch.batch().loaded()) {
                        ImageSegmenter.Mask mask = segmenter.mask(image);
                        String label = explainer.labels().name(mask.category());
                        if (mask.fraction() == 0) {
                            String reason = image.file() + ": the mask of class " + label + " is empty; nothing"
                                    + " written for it (choose another --class, --threshold or --region)";
                            failures.add(reason);
                            rows.addObject().put("image", image.file().toString()).put("error", reason);
                            shown.add(null);
                            continue;
                        }
                        ObjectNode row = rows.addObject().put("image", image.file().toString())
                                .put("class", mask.category()).put("label", label)
                                .put("mask_fraction", mask.fraction());
                        ArrayNode files = row.putArray("files");
                        Tensor onPhoto = segmenter.maskOnPhoto(image.image(), mask);
                        overlayArgs.write(pipeline, folder, names.get(image.file()) + ".mask",
                                () -> segmenter.maskPicture(image.image(), onPhoto), saveNpy ? onPhoto : null, files);
                        shown.add(row);
                        if (!json) {
                            stdout.printf("%s: class %s, mask %.1f%% of the image%n", image.file().getFileName(),
                                    label, 100 * mask.fraction());
                        }
                    }
                    return maps -> {
                        String method = maps.method().method().name();
                        for (int row = 0; row < batch.size(); row++) {
                            ImagePipeline.Loaded image = batch.image(row);
                            RgbImage photo = image.image();
                            Tensor map = segmenter.onPhoto(photo, maps.result().cams().slice(row));
                            ArrayNode files = (ArrayNode) shown.get(batch.rows().get(row).image()).get("files");
                            overlayArgs.write(pipeline, folder, names.get(image.file()) + "."
                                    + OutputFolder.safeName(method), () -> Overlay.showCamOnImage(
                                    segmenter.picture(photo), map, overlayArgs.imageWeight), saveNpy ? map : null,
                                    files);
                        }
                    };
                }
            });
        }
        if (failures.size() == photos.size()) {
            throw new RequestException(photos.size() == 1 ? failures.get(0) : "none of the " + photos.size()
                    + " photos gave a mask to explain; the first: " + failures.get(0));
        }
        if (json) {
            stdout.println(summary.toPrettyString());
        } else {
            rows.forEach(r -> r.path("files").forEach(f -> stdout.println("  -> " + f.asText())));
        }
        if (!failures.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            failures.forEach(f -> err.println("cam: skipped: " + f));
            err.println("cam: " + failures.size() + " of " + photos.size() + " photo(s) skipped; the others are done");
            return CamCli.PARTIAL_FAILURE;
        }
        return 0;
    }
}
