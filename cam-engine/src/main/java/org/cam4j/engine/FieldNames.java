package org.cam4j.engine;

import java.nio.file.Path;

/**
 * How a door names a request's fields in its one-line messages, so that every door refuses the same request with
 * the same message in its own words: {@code --road-noise} on the command line, {@code run.yaml:
 * evaluate.road_noise} in a batch YAML, {@code road_noise} in a JSON request or a Java call. Fields are given in
 * snake case.
 */
@FunctionalInterface
public interface FieldNames {
    /** The command line's options: {@code --road-noise}. */
    FieldNames CLI = field -> "--" + field.replace('_', '-');

    /** The field's own name, for JSON requests and the Java API: {@code road_noise}. */
    FieldNames PLAIN = field -> field;

    /** The door's name of {@code field}. */
    String of(String field);

    /** Keys of a section of a YAML file: {@code run.yaml: evaluate.road_noise}. */
    static FieldNames yaml(Path file, String section) {
        return field -> file + ": " + (section.isEmpty() ? "" : section + ".") + field;
    }
}
