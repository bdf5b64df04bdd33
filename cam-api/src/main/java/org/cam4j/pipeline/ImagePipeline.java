package org.cam4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.CamException;

/**
 * A folder of photos (or any stream of images) to written overlays with every core busy: images are decoded and
 * preprocessed on worker threads ahead of the model, in order, and whatever the caller {@link #submit}s (blending,
 * encoding, writing) runs on the same workers behind it. Both queues are bounded (two batches ahead, two tasks per
 * worker behind), so memory stays flat whatever the number of images.
 *
 * <pre>{@code
 * try (ImagePipeline pipeline = new ImagePipeline(pre, ImageFiles.DEFAULT_MAX_PIXELS, cores);
 *      Cam cam = Cam.open(model, "GradCAM", "layer4[-1]")) {
 *     // files: pipeline.batches(files, 8); images already in memory (camera frames, a database): batchesOf
 *     for (Iterator<ImagePipeline.Batch> it = pipeline.batchesOf(frames, 8); it.hasNext(); ) {
 *         ImagePipeline.Batch b = it.next();
 *         b.failed().forEach(f -> System.err.println("skipped: " + f.reason())); // unreadable files
 *         if (b.size() == 0) {
 *             continue; // every image of the batch failed: there is no input
 *         }
 *         CamResult r = cam.compute(b.input(), Targets.topClass(b.size()));
 *         for (int i = 0; i < b.size(); i++) {
 *             RgbImage photo = b.images().get(i);
 *             Tensor map = r.cams().slice(i);
 *             Path file = out.resolve(i + ".png");
 *             pipeline.submit(() -> ImageFiles.writePng(file, Overlay.onPhoto(photo, map, pre, 0.5f)));
 *         }
 *     }
 *     pipeline.finish();
 * }
 * }</pre>
 */
public final class ImagePipeline implements AutoCloseable {
    private final Preprocessing preprocessing;
    private final long maxPixels;
    private final int workers;
    private final ExecutorService pool;
    private final Semaphore writeSlots;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.function.Function<Path, byte[]> reader;

    /**
     * @param workers decode and encode threads (the model keeps its own intra-op threads)
     *
     * @param preprocessing how photos become the model's input
     * @param maxPixels the largest photo accepted, in pixels (checked from the header)
     */
    public ImagePipeline(Preprocessing preprocessing, long maxPixels, int workers) {
        this(preprocessing, maxPixels, workers, null);
    }

    /**
     * @param reader the bytes of an image named by a path (a file system other than the local one, such as
     *     Hadoop's); null reads local files
     *
     * @param preprocessing how photos become the model's input
     * @param maxPixels the largest photo accepted, in pixels (checked from the header)
     * @param workers decode and encode threads
     */
    public ImagePipeline(Preprocessing preprocessing, long maxPixels, int workers,
                         java.util.function.Function<Path, byte[]> reader) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        this.preprocessing = preprocessing;
        this.reader = reader;
        this.maxPixels = maxPixels;
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "cam4j-image");
            t.setDaemon(true);
            return t;
        });
        this.writeSlots = new Semaphore(2 * workers);
    }

    /** One decoded image: the file (null for an image given in memory), the photo, and its row of the model input. */
    public record Loaded(Path file, RgbImage image, Tensor input) {
    }

    /**
     * An image that could not be read, with the one-line reason and, when the reason is about an option (the
     * {@code max_pixels} limit), that option's name in snake case, else null ({@link CamException#field}).
     */
    public record Failed(Path file, String reason, String field) {
        /**
         * A failure about no option.
         *
         * @param file the image
         * @param reason why it could not be read, one line
         */
        public Failed(Path file, String reason) {
            this(file, reason, null);
        }
    }

    /** Up to {@code batchSize} decoded images with their stacked model input (null when all failed). */
    public record Batch(List<Loaded> loaded, List<Failed> failed, Tensor input) {
        /**
         * The number of images decoded in this batch (failed ones not counted).
         *
         * @return the number of decoded images
         */
        public int size() {
            return loaded.size();
        }

        /**
         * The decoded images, in order.
         *
         * @return the photos
         */
        public List<RgbImage> images() {
            return loaded.stream().map(Loaded::image).toList();
        }
    }

    /**
     * Decodes one file as this pipeline does (limit checked from the header, downscaled where large).
     *
     * @param file the image
     * @return the photo and its row of the model input
     */
    public Loaded load(Path file) {
        RgbImage image = reader == null
                ? ImageFiles.read(file, maxPixels, preprocessing.height(), preprocessing.width())
                : ImageFiles.read(reader.apply(file), file.toString(), maxPixels, preprocessing.height(),
                preprocessing.width());
        return new Loaded(file, image, preprocessing.tensor(image));
    }

    /**
     * The files in order, {@code batchSize} at a time, decoded ahead on the workers; unreadable ones as failed.
     *
     * @param files the images
     * @param batchSize images per batch
     * @return the batches, in order
     */
    public Iterator<Batch> batches(List<Path> files, int batchSize) {
        return batched(ordered(files.iterator(), file -> {
            try {
                return load(file);
            } catch (RuntimeException e) {
                return new Failed(file, String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                        e instanceof CamException c ? c.field().orElse(null) : null);
            }
        }, ahead(batchSize)), batchSize);
    }

    /**
     * Images already in memory, in order, {@code batchSize} at a time, preprocessed ahead on the workers; the
     * iterator is read only as far as that look-ahead (two batches), so it may be endless.
     *
     * @param images photos already decoded
     * @param batchSize images per batch
     * @return the batches, in order
     */
    public Iterator<Batch> batchesOf(Iterator<RgbImage> images, int batchSize) {
        return batched(ordered(images, image -> new Loaded(null, image, preprocessing.tensor(image)),
                ahead(batchSize)), batchSize);
    }

    private int ahead(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        return 2 * Math.max(batchSize, workers);
    }

    /** Groups prepared images (each a {@link Loaded} or a {@link Failed}) into batches of up to batchSize loaded. */
    private static Iterator<Batch> batched(Iterator<?> prepared, int batchSize) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return prepared.hasNext();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Loaded> loaded = new ArrayList<>();
                List<Failed> failed = new ArrayList<>();
                while (prepared.hasNext() && loaded.size() < batchSize) {
                    Object o = prepared.next();
                    if (o instanceof Loaded l) {
                        loaded.add(l);
                    } else {
                        failed.add((Failed) o);
                    }
                }
                Tensor input = loaded.isEmpty() ? null : Tensor.stack(loaded.stream().map(Loaded::input).toList());
                return new Batch(loaded, failed, input);
            }
        };
    }

    /**
     * {@code map} applied on the workers to at most {@code ahead} items beyond the one being consumed, in order: the
     * decode-ahead of {@link #batches}, for callers whose per-image preparation is their own (detectors letterbox).
     *
     * @param <I> the items' type
     * @param <O> the results' type
     * @param items the items, in order
     * @param map the preparation of one item
     * @param ahead how many items are prepared beyond the one consumed
     * @return the results, in the items' order
     */
    public <I, O> Iterator<O> ordered(Iterator<I> items, Function<I, O> map, int ahead) {
        Deque<Future<O>> queue = new ArrayDeque<>();
        return new Iterator<>() {
            private void fill() {
                while (queue.size() < ahead && items.hasNext()) {
                    I item = items.next();
                    queue.add(pool.submit(() -> map.apply(item)));
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !queue.isEmpty();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return await(queue.poll());
            }
        };
    }

    /**
     * Runs {@code task} on a worker behind the model; blocks while two tasks per worker are already waiting. The
     * first task failure is thrown by {@link #finish} (and by the next submit).
     *
     * @param task the work (its failure, if any, is thrown by {@link #finish})
     */
    public void submit(Runnable task) {
        rethrow();
        acquire(1);
        pool.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            } finally {
                writeSlots.release();
            }
        });
    }

    /** Waits for every submitted task; throws the first failure. */
    public void finish() {
        acquire(2 * workers);
        writeSlots.release(2 * workers);
        rethrow();
    }

    private void acquire(int permits) {
        try {
            writeSlots.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for image writes", e);
        }
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
