package org.cam4j.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cam4j.spi.CamMethod;
import org.cam4j.engine.MethodRequest;

/**
 * What a {@code POST /api/explain} asks for, read from its JSON or multipart body and checked before any work is
 * queued: the image's bytes (a request names no file on the server), a served model, methods, layers, target specs,
 * options as strings, the maps' format, the request's id and the metrics it names.
 */
record ServeRequest(byte[] image, CamServer.Served model, List<CamMethod> methods, List<String> layers,
                    List<String> targets, Map<String, String> options, String format, String id,
                    List<String> metrics) {
    /**
     * Reads and checks a request: {@code models} finds a model by id (null: the first served), {@code freshId} names
     * a request that does not name itself.
     */
    static ServeRequest read(HttpExchange ex, CamServer.Limits limits,
                             Function<String, CamServer.Served> models, Supplier<String> freshId) throws IOException {
        long length = ex.getRequestHeaders().getFirst("Content-Length") == null ? -1
                : Long.parseLong(ex.getRequestHeaders().getFirst("Content-Length"));
        if (length > limits.maxBody()) {
            discard(ex.getRequestBody(), DRAIN_LIMIT);
            throw new HttpError(413, "request of " + length + " bytes is larger than the limit of " + limits.maxBody()
                    + " (--max-request-mb)");
        }
        byte[] body = BodyReader.read(ex, limits.sendSeconds(), in -> readLimited(in, limits.maxBody()));
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        Map<String, String> fields = new HashMap<>();
        byte[] image;
        if (type.startsWith("multipart/form-data")) {
            Map<String, byte[]> parts = Multipart.parse(body, type);
            image = parts.get("image");
            parts.forEach((k, v) -> {
                if (!k.equals("image")) {
                    fields.put(k, new String(v, StandardCharsets.UTF_8));
                }
            });
            return of(models, freshId, image, fields.get("model"), split(fields.get("methods")),
                    split(fields.get("layers")), split(fields.get("targets")), Map.of(), fields.get("format"),
                    fields.get("request_id"), split(fields.get("metrics")));
        }
        JsonNode root;
        try {
            root = CamServer.JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON body (" + e.getOriginalMessage() + "); send"
                    + " {\"image\": \"<base64>\", ...} or multipart form data");
        }
        if (root == null || !root.isObject()) {
            throw new HttpError(400, "the body must be a JSON object with an \"image\" field");
        }
        try {
            image = root.hasNonNull("image") ? Base64.getDecoder().decode(root.get("image").asText()) : null;
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "\"image\" is not base64 (" + e.getMessage() + ")");
        }
        Map<String, String> options = new HashMap<>();
        root.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return of(models, freshId, image, root.path("model").asText(null), strings(root.path("methods")),
                strings(root.path("layers")), strings(root.path("targets")), options, root.path("format").asText(null),
                root.path("request_id").asText(null), strings(root.path("metrics")));
    }

    private static ServeRequest of(Function<String, CamServer.Served> models, Supplier<String> freshId, byte[] image,
                                   String modelId, List<String> methods, List<String> layers, List<String> targets,
                                   Map<String, String> options, String format, String id, List<String> metrics) {
        if (image == null || image.length == 0) {
            throw new HttpError(400, "no image: send its file's bytes as \"image\" (base64) or a multipart part"
                    + " named image");
        }
        CamServer.Served model = models.apply(modelId);
        String f = org.cam4j.engine.store.OutputFormats.check(format == null ? "png" : format,
                org.cam4j.engine.store.OutputFormats.ANSWER, "format");
        List<CamMethod> chosen = MethodRequest.methods(methods);
        String requestId = id == null || id.isBlank() ? freshId.get() : id;
        if (!requestId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new HttpError(400, "request_id must be 1-64 letters, digits, '-' or '_'");
        }
        return new ServeRequest(image, model, chosen, layers, targets, options, f, requestId, metrics);
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.addAll(split(node.asText()));
        }
        return out;
    }

    private static List<String> split(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
    /** Oversized bodies are read (to this many bytes) and dropped, so the client sees the 413, not a reset. */
    private static final long DRAIN_LIMIT = 256L << 20;

    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buffer)) > 0) {
            total += n;
        }
    }

    private static byte[] readLimited(InputStream in, long max) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (data.length > max) {
            discard(in, DRAIN_LIMIT);
            throw new HttpError(413, "request body larger than the limit of " + max + " bytes (--max-request-mb)");
        }
        return data;
    }
}
