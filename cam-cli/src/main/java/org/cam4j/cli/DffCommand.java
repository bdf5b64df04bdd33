package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.ImageInputs;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.methods.DeepFeatureFactorization;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam dff}: Deep Feature Factorization concepts of images, as colour-coded overlays. */
@Command(name = "dff", mixinStandardHelpOptions = true,
        description = "Deep Feature Factorization: k concepts of a layer, their maps overlaid per image.")
final class DffCommand implements Callable<Integer> {
    private static final int MAX_COMPONENTS = 64;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Mixin
    PreprocessingArgs preprocessingArgs = new PreprocessingArgs.WithLayout();

    @Option(names = {"--image", "--image-path"}, arity = "1..*", paramLabel = "FILE|DIR|GLOB",
            description = "Images (default: the bundled photo).")
    List<String> images;

    @Option(names = "--layer", paramLabel = "LAYER", description = "The layer to factorise (default: suggested).")
    String layer;

    @Option(names = "--components", defaultValue = "5", paramLabel = "K", description = "Concepts. Default: ${DEFAULT-VALUE}.")
    int components;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names for the concept scores.")
    Path labelsFile;

    @Option(names = "--image-weight", defaultValue = "0.3", paramLabel = "W")
    float imageWeight;

    @Option(names = "--out", defaultValue = "cam-out", paramLabel = "DIR")
    Path out;

    @Option(names = "--max-pixels", defaultValue = "250000000", paramLabel = "N",
            description = "Refuse images of more pixels (read from the header). Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Limits.imageWeight(imageWeight, "--image-weight");
        Limits.range(components, 1, MAX_COMPONENTS, "--components");
        List<Path> files = images == null ? List.of(DefaultModel.image())
                : ImageInputs.expand(images, Path.of("")).stream().distinct().toList();
        ModelSetup setup = modelArgs.setup(preprocessingArgs.request(), labelsFile, layer == null ? null : List.of(layer));
        try (ExplainableModel model = setup.open()) {
            DetectorRefusal.check(model, modelArgs.path().toString(), null, DetectorRefusal.Where.DFF);
            Labels labels = setup.labels();
            String target = setup.layers(model).get(0);
            int channels = model.layers().stream().filter(l -> l.name().equals(target)).findFirst()
                    .map(l -> l.kind() == org.cam4j.model.LayerInfo.Kind.SPATIAL ? (int) l.shape()[1]
                            : (int) l.shape()[l.shape().length - 1]).orElse(-1);
            if (channels > 0 && components > channels) {
                throw new RequestException("--components " + components + " is more than layer '" + target + "' has"
                        + " channels (" + channels + "); give at most " + channels);
            }
            Preprocessing pre = setup.preprocessing(model);
            OutputFolder folder = OutputFolder.create(out, "--out");
            Map<Path, String> names = OutputNames.assign(files);
            List<RgbImage> rgb = files.stream().map(f -> ImageFiles.read(f, maxPixels, pre.height(), pre.width()))
                    .toList();
            DeepFeatureFactorization.Factorization f = DeepFeatureFactorization.compute(model, pre.batch(rgb),
                    target, components, true);
            for (int k = 0; k < components; k++) {
                Tensor s = f.conceptScores().slice(k);
                List<String> best = new ArrayList<>();
                for (int t = 0; t < Math.min(2, s.size()); t++) {
                    int arg = s.argmax();
                    best.add(String.format("%s %.2f", labels.name(arg), s.at(arg)));
                    s = s.copy();
                    s.put(arg, Float.NEGATIVE_INFINITY);
                }
                stdout.println("concept " + k + ": " + String.join(", ", best));
            }
            for (int i = 0; i < files.size(); i++) {
                // on the original photo (concept maps resized to it) unless a crop changed the framing
                boolean cropped = pre.cropHeight() > 0;
                Tensor picture = cropped ? pre.geometry(rgb.get(i)).pixels() : rgb.get(i).pixels();
                Tensor maps = f.explanations().slice(i);
                if (!cropped) {
                    Tensor resized = Tensor.zeros(components, picture.dim(0), picture.dim(1));
                    for (int k = 0; k < components; k++) {
                        resized.slice(k).copyFrom(org.cam4j.image.BilinearResize.resize(maps.slice(k),
                                picture.dim(0), picture.dim(1)));
                    }
                    maps = resized;
                }
                Path png = folder.file(names.get(files.get(i)) + ".dff.png");
                ImageFiles.writePng(png, DeepFeatureFactorization.overlay(picture, maps, imageWeight));
                stdout.println(files.get(i).getFileName() + " -> " + png);
            }
        }
        return 0;
    }
}
