package org.cam4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Class names: an ImageNet-style JSON index ({@code {"0": ["n01440764", "tench"], ...}}) or a text file with one
 * name per line. Names match ignoring case, spaces and underscores.
 */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = names;
    }

    /** No names: classes are shown as their indices. */
    public static Labels none() {
        return new Labels(List.of());
    }

    /**
     * Names from a file: one per line, or a JSON object of index to name (or to [id, name], as
     * imagenet_class_index.json).
     */
    public static Labels read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RequestException("labels file " + file + " does not exist");
        }
        try {
            String text = Files.readString(file);
            if (text.trim().startsWith("{")) {
                JsonNode root = new ObjectMapper().readTree(text);
                List<String> names = new ArrayList<>();
                for (int i = 0; root.has(String.valueOf(i)); i++) {
                    JsonNode v = root.get(String.valueOf(i));
                    names.add(v.isArray() ? v.get(v.size() - 1).asText() : v.asText());
                }
                return new Labels(names);
            }
            return new Labels(text.lines().map(String::trim).toList());
        } catch (IOException e) {
            throw new RequestException("cannot read labels " + file + ": " + e.getMessage());
        }
    }

    /** The label names, in class order (empty without a labels file). */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** The class's name, or its index as text without one. */
    public String name(int index) {
        return index >= 0 && index < names.size() ? names.get(index) : String.valueOf(index);
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[\\s_]", "");
    }

    /** A class given as an integer or a label name, checked against the model's number of outputs (-1: unknown). */
    public int index(String spec, int outputs) {
        int i = index(spec);
        if (outputs > 0 && i >= outputs) {
            throw new RequestException("class " + spec + " is outside the model's " + outputs + " outputs; give a class"
                    + " from 0 to " + (outputs - 1) + (names.isEmpty() ? "" : " or a label name"));
        }
        return i;
    }

    /** Whether {@code name} is one of the labels (compared as {@link #index} compares them). */
    public boolean knows(String name) {
        return names.stream().anyMatch(n -> key(n).equals(key(name)));
    }

    /** A class given as an integer or a label name. */
    public int index(String spec) {
        String s = spec.trim();
        if (s.matches("-?\\d+")) {
            try {
                int i = Integer.parseInt(s);
                if (i >= 0) {
                    return i;
                }
            } catch (NumberFormatException e) {
                // too large for a class index: reported below
            }
            throw new RequestException("class '" + spec + "' is not a valid class index; give a whole number from 0 to the"
                    + " model's number of outputs - 1" + (names.isEmpty() ? "" : ", or a label name"));
        }
        for (int i = 0; i < names.size(); i++) {
            if (key(names.get(i)).equals(key(s))) {
                return i;
            }
        }
        throw new RequestException("unknown class '" + spec + "'" + (names.isEmpty()
                ? "; give class indices, or label names with --labels FILE" : "; not in the labels file"));
    }
}
