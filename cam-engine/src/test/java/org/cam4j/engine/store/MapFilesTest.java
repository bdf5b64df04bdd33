package org.cam4j.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cam4j.image.ImageFiles;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A map's files in any store: names by format, the picture made once and only when asked for, the bytes. */
class MapFilesTest {
    private static Tensor picture() {
        Tensor rgb = Tensor.zeros(4, 6, 3);
        for (int i = 0; i < rgb.size(); i++) {
            rgb.put(i, i % 256);
        }
        return rgb;
    }

    @Test
    void picturesThenTheMapAndNothingForOtherFormats() {
        assertThat(MapFiles.names("a/photo.GradCAM", List.of("npy", "json", "jpg", "png", "html")))
                .containsExactly("a/photo.GradCAM.png", "a/photo.GradCAM.jpg", "a/photo.GradCAM.npy");
        assertThat(MapFiles.names("x", List.of("json"))).isEmpty();
    }

    @Test
    void thePictureIsMadeOnceForEveryFormatAndNotWithoutOne() {
        Tensor map = Tensor.zeros(4, 6);
        map.put(5, 0.25f);
        AtomicInteger made = new AtomicInteger();
        MemoryStore store = new MemoryStore();
        Runnable write = MapFiles.writer(store, "m", List.of("png", "jpg", "npy"), () -> {
            made.incrementAndGet();
            return picture();
        }, map);
        assertThat(made).as("nothing is made before the write runs").hasValue(0);
        write.run();
        assertThat(made).hasValue(1);
        assertThat(store.read("m.png")).isEqualTo(ImageFiles.png(picture()));
        assertThat(store.read("m.jpg")).isEqualTo(ImageFiles.jpeg(picture()));
        assertThat(store.read("m.npy")).isEqualTo(Npy.bytes(map));

        MapFiles.writer(store, "n", List.of("npy"), () -> {
            made.incrementAndGet();
            return picture();
        }, map).run();
        assertThat(made).as("no picture for a map alone").hasValue(1);
        assertThat(store.read("n.png")).isNull();
    }
}
