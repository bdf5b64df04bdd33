package org.cam4j.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** {@code ../shared/parity/manifest.json}: which reference file is what. */
public final class ParityManifest {
    private final Path dir;
    private final JsonNode root;

    public ParityManifest(Path parityDir) {
        this.dir = parityDir;
        try {
            this.root = new ObjectMapper().readTree(parityDir.resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public JsonNode json() {
        return root;
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public List<String> models() {
        List<String> out = new ArrayList<>();
        root.get("models").fieldNames().forEachRemaining(out::add);
        return out;
    }

    public JsonNode model(String name) {
        return root.get("models").get(name);
    }

    /** Target classes, one per image of the input batch. */
    public List<Integer> targets() {
        List<Integer> out = new ArrayList<>();
        root.get("targets").forEach(t -> out.add(t.asInt()));
        return out;
    }

    /** (model, method entry) for every method of every model whose status is ok. */
    public List<Map.Entry<String, JsonNode>> methods(String model) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = model(model).get("methods").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("ok".equals(e.getValue().path("status").asText())) {
                out.add(e);
            }
        }
        return out;
    }
}
