package org.cam4j.engine;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Strict YAML reading: unknown keys and wrong types are errors naming file:line:column. */
public final class Yaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private Yaml() {
    }

    private static final ObjectMapper SNAKE = MAPPER.copy()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    /** Reads with snake_case keys ({@code top_k}, {@code batch_size}). */
    public static <T> T readSnake(Path file, Class<T> type) {
        return read(file, type, SNAKE);
    }

    /** A YAML text already checked once from its file (a batch run's configuration shipped to Spark executors). */
    public static <T> T readSnakeText(String text, Class<T> type) {
        try {
            return SNAKE.readValue(text, type);
        } catch (IOException e) {
            throw new RequestException("cannot read the batch YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Reads a YAML file into {@code type}, unknown keys refused with the file, line and the known keys. */
    public static <T> T read(Path file, Class<T> type) {
        return read(file, type, MAPPER);
    }

    private static <T> T read(Path file, Class<T> type, ObjectMapper mapper) {
        if (!Files.isRegularFile(file)) {
            throw new RequestException("YAML file " + file + " does not exist");
        }
        try {
            return mapper.readValue(file.toFile(), type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new RequestException(file + keyLocation(file, e.getPropertyName(), e.getLocation()) + ": unknown key '"
                    + e.getPropertyName() + "'; known keys: " + e.getKnownPropertyIds());
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            String key = path(e.getPath());
            throw new RequestException(file + where + ": " + (key.isEmpty() ? "the file" : "'" + key + "'")
                    + " should be " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new RequestException(file + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new RequestException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A key path as the YAML writes it: {@code methods[1].batch_size}. */
    private static String path(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
        StringBuilder s = new StringBuilder();
        for (var r : refs) {
            if (r.getFieldName() != null) {
                s.append(s.length() == 0 ? "" : ".").append(SNAKE_NAMES.translate(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.toString();
    }

    private static final com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase SNAKE_NAMES =
            (com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase)
                    com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE;

    /** What a value of a type looks like in YAML, in words (never a Java class name). */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list ([a, b] or one '- item' per line)";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Float.class || type == float.class || type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "a map of key: value";
        }
        com.fasterxml.jackson.annotation.JsonClassDescription described =
                type.getAnnotation(com.fasterxml.jackson.annotation.JsonClassDescription.class);
        if (described != null) {
            return described.value();
        }
        if (type.isRecord()) {
            return "a map with keys " + String.join(", ", java.util.Arrays.stream(type.getRecordComponents())
                    .map(c -> SNAKE_NAMES.translate(c.getName())).toList());
        }
        return "of another kind";
    }

    /**
     * Where an unknown key stands: Jackson reports the position after its value, so the key is searched for
     * backwards from there.
     */
    private static String keyLocation(Path file, String key, JsonLocation after) {
        try {
            List<String> lines = Files.readAllLines(file);
            int last = after == null ? lines.size() : Math.min(lines.size(), after.getLineNr());
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("(^|[\\s{,-])" + java.util.regex.Pattern.quote(key)
                    + "\\s*:");
            for (int i = last - 1; i >= 0; i--) {
                java.util.regex.Matcher m = p.matcher(lines.get(i));
                if (m.find()) {
                    return ":" + (i + 1) + ":" + (m.start() + m.group(1).length() + 1);
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's position
        }
        return after == null ? "" : ":" + after.getLineNr() + ":" + after.getColumnNr();
    }

    /** A JSON mapper writing indented output, as every door prints and records JSON. */
    public static ObjectMapper json() {
        return new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    }
}
