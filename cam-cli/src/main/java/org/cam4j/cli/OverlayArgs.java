package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import org.cam4j.engine.Limits;
import org.cam4j.engine.store.OverlayFormat;
import picocli.CommandLine.Option;

/** How photos become overlay files, shared by cam explain and cam detect: photo weight, format, size limit. */
final class OverlayArgs {
    @Option(names = "--image-weight", defaultValue = "0.5", paramLabel = "W",
            description = "Weight of the photo in the overlay. Default: ${DEFAULT-VALUE}.")
    float imageWeight;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png|jpg",
            description = "Overlay file format. Default: ${DEFAULT-VALUE}.")
    OverlayFormat format;

    @Option(names = "--max-pixels", defaultValue = "250000000", paramLabel = "N", description = {"Refuse images of"
            + " more pixels (width x height, read from the header before decoding). Default: ${DEFAULT-VALUE}.",
        "Images over 16 megapixels are decoded subsampled, never below the model's input size."})
    long maxPixels;

    /** Checks the values before anything runs. */
    void check() {
        Limits.imageWeight(imageWeight, "--image-weight");
        if (maxPixels < 1) {
            throw new RequestException("--max-pixels must be >= 1, got " + maxPixels);
        }
    }
}
