package org.cam4j.engine;

import org.cam4j.image.ImageFiles;
import org.cam4j.image.Overlay;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;

/**
 * The Java side of a photo's path (JPEG decoding to pixels, resizing and normalising, the overlay at the photo's
 * size, PNG encoding) run a few times on a made-up photo on a thread of its own while the model opens, so the JIT
 * has compiled those loops when the first real photos arrive: a run's first images otherwise cost several times the
 * steady state. Best effort: it never fails a run and stops when its iterations are done. {@code CAM4J_NO_WARMUP}
 * turns it off.
 */
public final class PhotoPathWarmUp {
    /** Rounds over the made-up photo. */
    static final int ROUNDS = 3;

    /**
     * Runs of fewer photos skip it: on two cores it competes with the model's opening (measured, resnet18, 2
     * threads, medians of 6 whole processes: one photo 2.11 s without, 2.31 s with; 20 photos 4.46 s without, 4.13 s
     * with; 100 photos the same within noise).
     */
    public static final int MIN_IMAGES = 8;

    private PhotoPathWarmUp() {
    }

    /** Starts the warm-up on a daemon thread of low priority. */
    public static void start() {
        Thread t = new Thread(PhotoPathWarmUp::run, "cam4j-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run() {
        try {
            Tensor rgb = Tensor.zeros(360, 640, 3);
            for (int i = 0; i < rgb.size(); i++) {
                rgb.put(i, (i * 37 % 251));
            }
            byte[] jpeg = ImageFiles.jpeg(rgb);
            Preprocessing pre = Preprocessing.imagenet();
            for (int round = 0; round < ROUNDS; round++) {
                RgbImage photo = ImageFiles.decoded(jpeg, "warm-up", ImageFiles.DEFAULT_MAX_PIXELS, 1, 1).image();
                Tensor input = pre.tensor(photo);
                Tensor cam = Tensor.zeros(pre.outputHeight(), pre.outputWidth());
                for (int i = 0; i < cam.size(); i++) {
                    cam.put(i, Math.abs(input.at(i)) % 1f);
                }
                ImageFiles.png(Overlay.onPhoto(photo, cam, pre, 0.5f));
            }
        } catch (RuntimeException ignored) {
            // a warm-up only: the run itself meets and reports any real problem
        }
    }
}
