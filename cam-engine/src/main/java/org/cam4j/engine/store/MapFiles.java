package org.cam4j.engine.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;

/**
 * One map's files as every door writes them into its store (a local folder, a Hadoop file system, an HTTP answer):
 * {@code BASE.png} or {@code BASE.jpg}, the map on its photo, and {@code BASE.npy}, the map itself as float32, each
 * as the formats ask. The picture is made once, when the files are written, and only when one is asked for.
 */
public final class MapFiles {
    private MapFiles() {
    }

    /**
     * The names the formats give a map's files, in the order they are written: the pictures, then the map.
     *
     * @param base the name without extension ({@code photo.GradCAM})
     * @param formats the formats asked for; others ({@code json}, {@code html}) are no map's
     * @return the names
     */
    public static List<String> names(String base, List<String> formats) {
        List<String> names = new ArrayList<>();
        pictures(formats).forEach(f -> names.add(base + "." + f.extension()));
        if (formats.contains("npy")) {
            names.add(base + ".npy");
        }
        return names;
    }

    /**
     * The writing of a map's files into a store, to run behind the model (on an image pipeline's writers).
     *
     * @param store where the files go
     * @param base the name without extension
     * @param formats the formats asked for
     * @param picture the map on its photo (H x W x 3, 0..255), made when a picture is written
     * @param map the map
     * @return the work that writes them
     */
    public static Runnable writer(OutputStore store, String base, List<String> formats, Supplier<Tensor> picture,
                                  Tensor map) {
        List<OverlayFormat> pictures = pictures(formats);
        boolean npy = formats.contains("npy");
        return () -> {
            if (!pictures.isEmpty()) {
                Tensor pixels = picture.get();
                pictures.forEach(f -> store.write(base + "." + f.extension(), f.encode(pixels)));
            }
            if (npy) {
                store.write(base + ".npy", Npy.bytes(map));
            }
        };
    }

    private static List<OverlayFormat> pictures(List<String> formats) {
        return java.util.Arrays.stream(OverlayFormat.values()).filter(f -> formats.contains(f.extension())).toList();
    }
}
