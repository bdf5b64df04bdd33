package org.cam4j.cli;

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
final class Yaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private Yaml() {
    }

    private static final ObjectMapper SNAKE = MAPPER.copy()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    /** Reads with snake_case keys ({@code top_k}, {@code batch_size}). */
    static <T> T readSnake(Path file, Class<T> type) {
        return read(file, type, SNAKE);
    }

    static <T> T read(Path file, Class<T> type) {
        return read(file, type, MAPPER);
    }

    private static <T> T read(Path file, Class<T> type, ObjectMapper mapper) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("YAML file " + file + " does not exist");
        }
        try {
            return mapper.readValue(file.toFile(), type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new CliException(file + keyLocation(file, e.getPropertyName(), e.getLocation()) + ": unknown key '"
                    + e.getPropertyName() + "'; known keys: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new CliException(file + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
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

    static ObjectMapper json() {
        return new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    }
}
