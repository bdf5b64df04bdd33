package org.cam4j.engine.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Output names for a set of input images, unique per input: the image's folder relative to the inputs' common
 * folder, then its stem ({@code photos/a.png} and {@code photos/b.png} give {@code a} and {@code b}). Where stems
 * meet in one folder the extension stays ({@code x.png}, {@code x.jpg}); where cleaning names for the file system
 * still makes two equal (ignoring case, for case-insensitive file systems), {@code +2}, {@code +3} follow in path
 * order. The same inputs, in any order, always get the same names.
 */
public final class OutputNames {
    private OutputNames() {
    }

    /** Each distinct image to its name ('/'-separated, every part a {@link OutputFolder#safeName}). */
    public static Map<Path, String> assign(List<Path> images) {
        List<Path> absolute = images.stream().map(p -> p.toAbsolutePath().normalize()).distinct().sorted().toList();
        Path common = commonFolder(absolute);
        Map<String, Integer> stems = new HashMap<>();
        List<String[]> parts = new ArrayList<>();
        for (Path image : absolute) {
            String folder = folder(common.relativize(image.getParent()));
            String file = image.getFileName().toString();
            String stem = OutputFolder.safeName(OutputNames.base(image));
            parts.add(new String[] {folder, file, stem});
            stems.merge(key(folder + stem), 1, Integer::sum);
        }
        Map<Path, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < absolute.size(); i++) {
            String[] p = parts.get(i);
            String name = p[0] + (stems.get(key(p[0] + p[2])) > 1 ? OutputFolder.safeName(p[1]) : p[2]);
            String unique = name;
            for (int k = 2; !taken.add(key(unique)); k++) {
                unique = name + "+" + k;
            }
            names.put(absolute.get(i), unique);
        }
        Map<Path, String> byGiven = new LinkedHashMap<>();
        images.forEach(p -> byGiven.put(p, names.get(p.toAbsolutePath().normalize())));
        return byGiven;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String folder(Path relative) {
        StringBuilder s = new StringBuilder();
        for (Path part : relative) {
            if (!part.toString().isEmpty()) {
                s.append(OutputFolder.safeName(part.toString())).append('/');
            }
        }
        return s.toString();
    }

    private static Path commonFolder(List<Path> images) {
        Path common = images.get(0).getParent();
        for (Path image : images) {
            while (!image.getParent().startsWith(common)) {
                common = common.getParent();
            }
        }
        return common;
    }

    /** A file's name without its extension. */
    public static String base(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
