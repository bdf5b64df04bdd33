package org.cam4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image pipeline: order, batching, bounded look-ahead, failures, and the tasks behind the model. */
class ImagePipelineTest {
    private static final Preprocessing PRE = new Preprocessing(16, 16, 0, 0, 1f, new float[] {0.5f, 0.5f, 0.5f},
            new float[] {0.25f, 0.25f, 0.25f}, org.cam4j.tensor.Layout.NCHW);

    @TempDir
    Path dir;

    /** A w x h picture whose every pixel is (k/255, 0.5, 1 - k/255), so each image is told apart by its red. */
    private static RgbImage picture(int k, int height, int width) {
        Tensor p = Tensor.zeros(height, width, 3);
        for (int i = 0; i < height * width; i++) {
            p.put(3 * i, k / 255f);
            p.put(3 * i + 1, 0.5f);
            p.put(3 * i + 2, 1 - k / 255f);
        }
        return new RgbImage(p);
    }

    @Test
    void imagesInMemoryComeBackInOrderBatchedAndPreprocessed() {
        List<RgbImage> images = new ArrayList<>();
        for (int k = 0; k < 11; k++) {
            images.add(picture(k, 20 + k, 30));
        }
        List<Integer> sizes = new ArrayList<>();
        int seen = 0;
        try (ImagePipeline pipeline = new ImagePipeline(PRE, ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            for (Iterator<ImagePipeline.Batch> it = pipeline.batchesOf(images.iterator(), 4); it.hasNext(); ) {
                ImagePipeline.Batch b = it.next();
                sizes.add(b.size());
                assertThat(b.input().shape()).containsExactly(b.size(), 3, 16, 16);
                for (int i = 0; i < b.size(); i++, seen++) {
                    assertThat(b.images().get(i)).isSameAs(images.get(seen));
                    assertThat(b.loaded().get(i).file()).isNull();
                    assertThat(b.input().slice(i).toArray()).containsExactly(PRE.tensor(images.get(seen)).toArray());
                }
            }
        }
        assertThat(sizes).containsExactly(4, 4, 3);
    }

    @Test
    void anEndlessStreamIsReadOnlyTwoBatchesAhead() {
        AtomicInteger pulled = new AtomicInteger();
        Iterator<RgbImage> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public RgbImage next() {
                return picture(pulled.getAndIncrement() % 256, 8, 8);
            }
        };
        try (ImagePipeline pipeline = new ImagePipeline(PRE, ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            Iterator<ImagePipeline.Batch> batches = pipeline.batchesOf(endless, 3);
            for (int round = 1; round <= 5; round++) {
                assertThat(batches.next().size()).isEqualTo(3);
                // two batches (of at least one image per worker) ahead of what has been consumed, never more
                assertThat(pulled.get()).isLessThanOrEqualTo(3 * round + 2 * 3);
            }
        }
    }

    @Test
    void unreadableFilesAreReportedInTheirBatchAndTheRestGoOn() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Path f = dir.resolve("p" + k + ".png");
            ImageFiles.writePng(f, scaled255(picture(10 * k, 12, 12)));
            files.add(f);
        }
        Path broken = Files.writeString(dir.resolve("broken.png"), "not a png");
        files.add(1, broken);
        try (ImagePipeline pipeline = new ImagePipeline(PRE, ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            Iterator<ImagePipeline.Batch> it = pipeline.batches(files, 8);
            ImagePipeline.Batch b = it.next();
            assertThat(it.hasNext()).isFalse();
            assertThat(b.loaded()).extracting(ImagePipeline.Loaded::file)
                    .containsExactly(files.get(0), files.get(2), files.get(3));
            assertThat(b.failed()).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(broken);
                assertThat(f.reason()).isNotBlank().doesNotContain("\n");
            });
        }
    }

    @Test
    void aFailedTaskBehindTheModelIsThrownByTheNextSubmitOrFinish() {
        AtomicInteger ran = new AtomicInteger();
        // the failing task waits for the two before it, which another worker may not have started yet: without
        // this the pipeline's shutdown could cancel one of them first (seen once in 20 CI runs)
        java.util.concurrent.CountDownLatch before = new java.util.concurrent.CountDownLatch(2);
        try (ImagePipeline pipeline = new ImagePipeline(PRE, ImageFiles.DEFAULT_MAX_PIXELS, 2)) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 6; i++) {
                    int k = i;
                    pipeline.submit(() -> {
                        ran.incrementAndGet();
                        if (k < 2) {
                            before.countDown();
                        }
                        if (k == 2) {
                            try {
                                before.await(10, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            throw new IllegalStateException("disk full");
                        }
                    });
                }
                pipeline.finish();
            }).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        }
        assertThat(ran.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void batchSizeMustBePositive() {
        try (ImagePipeline pipeline = new ImagePipeline(PRE, ImageFiles.DEFAULT_MAX_PIXELS, 1)) {
            assertThatThrownBy(() -> pipeline.batchesOf(List.<RgbImage>of().iterator(), 0))
                    .hasMessageContaining("batchSize must be >= 1");
        }
    }

    private static Tensor scaled255(RgbImage image) {
        Tensor t = image.pixels().copy();
        for (int i = 0; i < t.size(); i++) {
            t.put(i, Math.round(t.at(i) * 255f));
        }
        return t;
    }
}
