package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cam4j.detection.Detection;
import org.cam4j.image.ImageFiles;
import org.cam4j.pipeline.Cam;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.targets.DetectionScoreTarget;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection loop on the bundled UltraFace detector and its group photo (eleven faces score above 0.99). */
class DetectionLoopTest {
    private static final Path MODEL = BundledDetector.MODEL;
    private static final Path PHOTO = BundledDetector.PHOTO;
    private static final MethodChoice HIRES = new MethodChoice(Methods.get("HiResCAM"), CamOptions.defaults());
    private static final MethodChoice EIGEN = new MethodChoice(Methods.get("EigenCAM"), CamOptions.defaults());

    private static BundledDetector bundled;
    private static DetectorOpening.Opened opened;
    private static ImageDetector detector;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        bundled = new BundledDetector();
        opened = bundled.opened;
        detector = bundled.detector;
    }

    @AfterAll
    static void close() {
        bundled.close();
    }

    /** Everything the loop handed over, in order. */
    private static final class Recorded implements DetectionLoop.Results {
        final List<String> events = new ArrayList<>();
        final List<ImageDetector.Found> found = new ArrayList<>();
        final List<DetectionLoop.PhotoMap> maps = new ArrayList<>();

        @Override
        public void failed(ImageDetector.Prepared failed) {
            events.add("failed " + failed.file().getFileName() + ": " + failed.error());
        }

        @Override
        public DetectionLoop.PhotoResults photo(ImageDetector.Found f) {
            found.add(f);
            events.add("photo " + f.file().getFileName() + " " + f.detections().size());
            return new DetectionLoop.PhotoResults() {
                @Override
                public void map(DetectionLoop.PhotoMap map) {
                    maps.add(map);
                    events.add(map.method().method().name() + " " + map.box());
                }

                @Override
                public void methodDone(MethodChoice method, int count, double seconds) {
                    events.add(method.method().name() + " done " + count);
                }

                @Override
                public void done() {
                    events.add("done");
                }
            };
        }
    }

    private Recorded run(List<Path> photos, boolean perBox, boolean renormalize) {
        Recorded recorded = new Recorded();
        try (ImagePipeline pipeline = detector.writer(ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            new DetectionLoop(detector, perBox, renormalize).run(pipeline, photos, Path::toString,
                    ImageFiles.DEFAULT_MAX_PIXELS, null, List.of(HIRES, EIGEN), recorded);
        }
        return recorded;
    }

    @Test
    void photosComeInOrderWithAMapPerDetectionForMethodsThatReadTheTargetAndOneForAllOtherwise() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.jpg"), "not a photo");
        Recorded r = run(List.of(PHOTO, broken, PHOTO), true, false);

        int n = r.found.get(0).detections().size();
        assertThat(n).isEqualTo(11);
        List<String> one = new ArrayList<>();
        one.add("photo " + PHOTO.getFileName() + " " + n);
        for (int k = 0; k < n; k++) {
            one.add("HiResCAM " + k);
        }
        one.addAll(List.of("HiResCAM done " + n, "EigenCAM -1", "EigenCAM done 1", "done"));
        List<String> expected = new ArrayList<>(one);
        expected.add(r.events.get(one.size()));
        expected.addAll(one);
        assertThat(r.events).containsExactlyElementsOf(expected);
        assertThat(r.events.get(one.size())).startsWith("failed broken.jpg: ");

        ImageDetector.Found f = r.found.get(0);
        for (DetectionLoop.PhotoMap m : r.maps.subList(0, n + 1)) {
            assertThat(m.map().shape()).containsExactly(f.photo().height(), f.photo().width());
            assertThat(m.drawn()).isEqualTo(m.perBox() ? List.of(f.detections().get(m.box())) : f.detections());
        }
    }

    @Test
    void aDetectionsMapIsItsOwnScoresCamWhicheverRunOfEightItFallsIn() {
        Recorded r = run(List.of(PHOTO), true, false);
        ImageDetector.Found f = r.found.get(0);
        for (int k : new int[] {0, 7, 8, 10}) {
            Detection d = f.detections().get(k);
            Tensor alone;
            try (Cam cam = new Cam(opened.model(), HIRES.method(), detector.layers(), CamOptions.defaults())) {
                alone = cam.compute(f.input(), List.of(new DetectionScoreTarget(opened.outputs().layout(),
                        d.anchor(), d.label()))).cams().slice(0);
            }
            assertThat(r.maps.get(k).map().maxAbsDiff(detector.onPhoto(f, alone))).as("box %d", k)
                    .isLessThan(1e-6);
        }
    }

    @Test
    void renormalisedMapsAreZeroFarFromTheirBox() {
        Recorded r = run(List.of(PHOTO), true, true);
        ImageDetector.Found f = r.found.get(0);
        // boxes in the photo's pixels; the map is resized from the input, so its edge spreads over a few pixels
        double scale = Math.max((double) f.photo().width() / f.geometry().inputWidth(),
                (double) f.photo().height() / f.geometry().inputHeight());
        int margin = (int) Math.ceil(2 * scale) + 1;
        for (DetectionLoop.PhotoMap m : r.maps.subList(0, 11)) {
            double[] box = detector.photoBox(f, m.drawn().get(0));
            int inside = 0;
            for (int y = 0; y < f.photo().height(); y++) {
                for (int x = 0; x < f.photo().width(); x++) {
                    boolean far = x < box[0] - margin || x > box[2] + margin || y < box[1] - margin
                            || y > box[3] + margin;
                    float v = m.map().get(y, x);
                    if (far) {
                        assertThat(v).as("box %d at (%d, %d)", m.box(), x, y).isZero();
                    } else if (v > 0) {
                        inside++;
                    }
                }
            }
            assertThat(inside).as("box %d", m.box()).isPositive();
        }
    }

    @Test
    void writesSubmittedBehindHaveFinishedWhenRunReturns() {
        AtomicInteger written = new AtomicInteger();
        int[] submitted = {0};
        try (ImagePipeline pipeline = detector.writer(ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            new DetectionLoop(detector, false, false).run(pipeline, List.of(PHOTO, PHOTO), Path::toString,
                    ImageFiles.DEFAULT_MAX_PIXELS, null, List.of(HIRES), new DetectionLoop.Results() {
                        @Override
                        public void failed(ImageDetector.Prepared failed) {
                            throw new AssertionError(failed.error());
                        }

                        @Override
                        public DetectionLoop.PhotoResults photo(ImageDetector.Found found) {
                            return map -> {
                                submitted[0]++;
                                pipeline.submit(() -> {
                                    try {
                                        Thread.sleep(200);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    written.incrementAndGet();
                                });
                            };
                        }
                    });
            assertThat(written).hasValue(2);
        }
        assertThat(submitted[0]).isEqualTo(2);
    }
}
