package org.cam4j.engine.store;

import java.util.List;
import org.cam4j.engine.RequestException;

/**
 * The output formats each door writes, and the one refusal of a format it does not, in the door's name of the field:
 * {@code --format: unknown format 'gif'; use png or jpg} on the command line, {@code run.yaml: formats: ...} in a
 * batch YAML, {@code format: ...} in a served request.
 */
public final class OutputFormats {
    /** Overlay pictures: the command line's {@code --format} ({@code --save-npy} adds the maps). */
    public static final List<String> OVERLAYS = List.of("png", "jpg");
    /** A map in a served answer: its overlay as a picture, or the map itself. */
    public static final List<String> ANSWER = List.of("png", "jpg", "npy");
    /** What a batch run writes: overlays, maps, its summary and its report. */
    public static final List<String> BATCH = List.of("png", "jpg", "npy", "json", "html");

    private OutputFormats() {
    }

    /**
     * A format the door writes, or a one-line refusal naming the ones it does.
     *
     * @param name the format as given
     * @param offered the formats the door writes
     * @param field the door's name of the field
     * @return the format
     */
    public static String check(String name, List<String> offered, String field) {
        if (!offered.contains(name)) {
            throw new RequestException(field + ": unknown format '" + name + "'; use "
                    + String.join(", ", offered.subList(0, offered.size() - 1)) + " or " + offered.get(offered.size() - 1));
        }
        return name;
    }

    /**
     * An overlay picture format ({@link #OVERLAYS}), or the one-line refusal of {@link #check}.
     *
     * @param name the format as given
     * @param field the door's name of the field
     * @return the format
     */
    public static OverlayFormat overlay(String name, String field) {
        return OverlayFormat.valueOf(check(name, OVERLAYS, field));
    }
}
