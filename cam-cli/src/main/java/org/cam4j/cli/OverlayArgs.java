package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.Limits;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.function.Supplier;
import java.util.List;
import org.cam4j.engine.store.LocalStore;
import org.cam4j.engine.store.MapFiles;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputFormats;
import org.cam4j.engine.store.OverlayFormat;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Tensor;
import picocli.CommandLine.Option;

/**
 * How photos become overlay files, shared by cam explain, cam detect and cam segment: photo weight, format, size
 * limit, and the writing of a picture with its map.
 */
final class OverlayArgs {
    @Option(names = "--image-weight", defaultValue = "0.5", paramLabel = "W",
            description = "Weight of the photo in the overlay. Default: ${DEFAULT-VALUE}.")
    float imageWeight;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png|jpg",
            completionCandidates = Formats.class, description = "Overlay file format. Default: ${DEFAULT-VALUE}.")
    String formatName;

    /** The overlay format, read by {@link #check} with the rule of every door's formats. */
    OverlayFormat format = OverlayFormat.png;

    /** The formats {@code --format} offers, for shell completion. */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return OutputFormats.OVERLAYS.iterator();
        }
    }

    @Option(names = "--max-pixels", defaultValue = "250000000", paramLabel = "N", description = {"Refuse images of"
            + " more pixels (width x height, read from the header before decoding). Default: ${DEFAULT-VALUE}.",
        "Images over 16 megapixels are decoded subsampled, never below the model's input size."})
    long maxPixels;

    /** The files of a map: an overlay in the chosen format, and with {@code maps} the map as {@code .npy}. */
    List<String> formats(boolean maps) {
        return maps ? List.of(format.extension(), "npy") : List.of(format.extension());
    }

    /**
     * Lists {@code <base>.<format>} (and with a map, {@code <base>.npy}) in {@code files} now, and writes them behind
     * the model on the pipeline's workers, the picture made only then.
     */
    void write(ImagePipeline pipeline, OutputFolder folder, String base, Supplier<Tensor> picture, Tensor map,
               ArrayNode files) {
        List<String> formats = formats(map != null);
        MapFiles.names(base, formats).forEach(name -> files.add(folder.file(name).toString()));
        pipeline.submit(MapFiles.writer(new LocalStore(folder), base, formats, picture, map));
    }

    /** Checks the values before anything runs. */
    void check() {
        Limits.imageWeight(imageWeight, "--image-weight");
        format = OutputFormats.overlay(formatName, "--format");
        if (maxPixels < 1) {
            throw new RequestException("--max-pixels must be >= 1, got " + maxPixels);
        }
    }
}
