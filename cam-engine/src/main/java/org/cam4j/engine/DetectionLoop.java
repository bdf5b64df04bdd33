package org.cam4j.engine;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.cam4j.detection.Detection;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Tensor;
import org.cam4j.timing.Timings;

/**
 * The detection loop behind every door ({@code cam detect}, {@code cam batch} with {@code task: detection}, Spark's
 * partitions, {@code cam serve}): photos decoded and laid out as the model's input a few ahead on a pipeline's
 * workers, each one detected, then per method one map for all its detections or, when asked and the method reads the
 * target, one per detection ({@link ImageDetector#perBox}), each brought onto the photo and handed to the door's
 * {@link Results} as soon as it is computed (memory stays flat in the number of boxes); doors write behind on the
 * same pipeline.
 */
public final class DetectionLoop {
    /**
     * One map on the photo (photo height x width, in [0, 1]): its method, the detection it explains ({@link #ALL}
     * for a map of all of them) and the detections its overlay draws.
     *
     * @param method the method and its options
     * @param box the detection's index, or {@link #ALL}
     * @param map the map at the decoded photo's resolution
     * @param drawn the detections an overlay of it shows
     */
    public record PhotoMap(MethodChoice method, int box, Tensor map, List<Detection> drawn) {
        /** Whether it explains one detection. */
        public boolean perBox() {
            return box != ALL;
        }
    }

    /** The {@link PhotoMap#box} of a map explaining every detection at once. */
    public static final int ALL = -1;

    /** Where a door takes one photo's maps, on the loop's thread, in method order then box order. */
    public interface PhotoResults {
        /**
         * A map, as soon as it is computed.
         *
         * @param map the map with what it explains
         */
        void map(PhotoMap map);

        /**
         * A method's maps are all handed over.
         *
         * @param method the method
         * @param maps how many maps it gave (0 when it explains each detection and there is none)
         * @param seconds the time its maps took, the door's handling included
         */
        default void methodDone(MethodChoice method, int maps, double seconds) {
        }

        /** Every method's maps are handed over. */
        default void done() {
        }
    }

    /** Where a door takes the loop's results, on the loop's thread, in photo order. */
    public interface Results {
        /**
         * A photo that could not be read.
         *
         * @param failed the photo with its one-line reason ({@link ImageDetector.Prepared#error})
         */
        void failed(ImageDetector.Prepared failed);

        /**
         * A photo's detections are known; the returned results take its maps.
         *
         * @param found the photo as the model saw it and its detections
         * @return what takes the photo's maps
         */
        PhotoResults photo(ImageDetector.Found found);
    }

    private final ImageDetector detector;
    private final boolean perBox;
    private final boolean renormalize;

    /**
     * A loop of this detector.
     *
     * @param detector the detector
     * @param perBox one map per detection for the methods that read the target
     * @param renormalize each map scaled inside its boxes and zeroed outside
     */
    public DetectionLoop(ImageDetector detector, boolean perBox, boolean renormalize) {
        this.detector = detector;
        this.perBox = perBox;
        this.renormalize = renormalize;
    }

    /**
     * Detects and explains the photos with every method, decoding them ahead on {@code pipeline}'s workers; returns
     * after every write submitted to the pipeline has finished.
     *
     * @param pipeline the workers that prepare photos ahead and write behind
     * @param photos the photos, in order
     * @param shown how messages name a photo
     * @param maxPixels the decoded size above which a photo is decoded subsampled
     * @param reader a photo's bytes, or null to read local files
     * @param methods the methods, in order
     * @param results where the door takes the results
     */
    public void run(ImagePipeline pipeline, List<Path> photos, Function<Path, String> shown, long maxPixels,
                    Function<Path, byte[]> reader, List<MethodChoice> methods, Results results) {
        for (Iterator<ImageDetector.Prepared> it = detector.ahead(pipeline, photos, shown, maxPixels, reader);
             it.hasNext(); ) {
            long start = System.nanoTime();
            ImageDetector.Prepared prepared = it.next();
            Timings.add("wait for decoded images", System.nanoTime() - start);
            if (prepared.error() != null) {
                results.failed(prepared);
                continue;
            }
            ImageDetector.Found found = detector.detect(prepared);
            explain(found, methods, results.photo(found));
        }
        try (Timings.Phase t = Timings.phase("wait for the last writes")) {
            pipeline.finish();
        }
    }

    /**
     * Explains one detected photo with every method, handing each map to {@code sink} as it is computed.
     *
     * @param found the photo and its detections ({@link ImageDetector#detect})
     * @param methods the methods, in order
     * @param sink what takes the maps
     */
    public void explain(ImageDetector.Found found, List<MethodChoice> methods, PhotoResults sink) {
        List<Detection> detections = found.detections();
        for (MethodChoice m : methods) {
            long start = System.nanoTime();
            boolean oneEach = ImageDetector.perBox(m.method(), perBox);
            int[] maps = {0};
            detector.forEachCam(m.method(), m.options(), found, oneEach, renormalize, (map, k) -> {
                maps[0]++;
                sink.map(new PhotoMap(m, oneEach ? k : ALL, detector.onPhoto(found, map),
                        oneEach ? List.of(detections.get(k)) : detections));
            });
            sink.methodDone(m, maps[0], (System.nanoTime() - start) / 1e9);
        }
        sink.done();
    }
}
