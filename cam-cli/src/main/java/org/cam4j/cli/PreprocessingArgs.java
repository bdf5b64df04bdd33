package org.cam4j.cli;

import org.cam4j.engine.FieldNames;
import org.cam4j.engine.ModelSettings;
import org.cam4j.engine.PreprocessingRequest;
import java.util.List;
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Layout;
import picocli.CommandLine.Option;

/**
 * Image preprocessing options. Each falls back to the model's YAML, then to the model's input shape, then to
 * torchvision's ImageNet normalisation (for a one-channel model: grayscale, mean 0, std 1).
 */
class PreprocessingArgs {
    @Option(names = "--size", split = ",", paramLabel = "H[,W]", description = "Resize to H x W before cropping.")
    List<Integer> size;

    @Option(names = "--crop", split = ",", paramLabel = "H[,W]", description = "Centre crop after resizing.")
    List<Integer> crop;

    @Option(names = "--scale", paramLabel = "S", description = "Pixel scale: 1 for [0,1] input (default), 255 for raw.")
    Float scale;

    @Option(names = "--mean", split = ",", paramLabel = "R,G,B", description = "Per-channel mean (after scaling).")
    List<Float> mean;

    @Option(names = "--std", split = ",", paramLabel = "R,G,B", description = "Per-channel std (after scaling).")
    List<Float> std;

    /** Input layout, from {@code --layout} ({@code --input-layout} in {@code cam detect}, whose --layout is the output's). */
    Layout layout;

    /** The options with {@code --layout NCHW|NHWC}. */
    static class WithLayout extends PreprocessingArgs {
        @Option(names = "--layout", paramLabel = "NCHW|NHWC", description = "Input layout (default: from the model).")
        void layout(Layout value) {
            layout = value;
        }
    }

    /** The options with {@code --input-layout NCHW|NHWC}. */
    static class WithInputLayout extends PreprocessingArgs {
        @Option(names = "--input-layout", paramLabel = "NCHW|NHWC",
                description = "Input layout (default: from the model).")
        void layout(Layout value) {
            layout = value;
        }
    }

    /** The options as a request, {@code null} where not given. */
    PreprocessingRequest request() {
        return new PreprocessingRequest(size, crop, scale, mean, std, layout);
    }

    /** The preprocessing of {@code model}: these options, else its YAML's (named as that file's keys), else its own. */
    Preprocessing resolve(ModelArgs modelArgs, ModelSettings settings, ExplainableModel model) {
        return request().resolve(settings, model, FieldNames.CLI, ModelSettings.preprocessingNames(modelArgs.path()));
    }
}
