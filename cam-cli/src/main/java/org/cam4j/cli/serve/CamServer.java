package org.cam4j.cli.serve;

import org.cam4j.engine.TargetSpecs;
import org.cam4j.detection.PostProcessing;
import org.cam4j.detection.DetectionLayout;
import org.cam4j.detection.Detection;
import org.cam4j.engine.ImageDetector;
import org.cam4j.engine.DetectionLoop;
import org.cam4j.engine.DetectorOpening;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MetricScores;
import org.cam4j.engine.RoadSettings;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.MethodOptions;
import org.cam4j.engine.ModelOpening;
import org.cam4j.engine.TargetNames;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.Labels;
import org.cam4j.engine.Limits;
import org.cam4j.engine.ModelSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.LayerInfo;
import org.cam4j.spi.CamOptions;
import org.cam4j.pipeline.CamResult;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;

/**
 * The HTTP side of {@code cam serve}, on the JDK's HTTP server. The page ({@code /}) and the JSON API:
 * {@code GET /api/models}, {@code GET /api/models/{id}/layers}, {@code GET /api/methods},
 * {@code POST /api/explain} (JSON with a base64 image, or multipart), {@code GET|DELETE /api/requests/{id}}
 * (progress, cancel) and {@code GET /api/demo-image}.
 *
 * <p>It holds up: models are opened once and used by one request at a time each; requests wait in a bounded queue
 * (then 503); bodies and images are size-limited (413); each request has a time limit (504, and it is cancelled);
 * requests name models by id and carry images as bytes, so nothing from a request reaches the file system. Errors
 * are JSON {@code {"error": "..."}} with the CLI's one-line messages and 400 for bad input.
 */
public final class CamServer implements AutoCloseable {
    /**
     * A model the server explains with, opened at start; {@code detection} is a detector's layout (its requests get
     * the detections, each with its own maps, as {@code cam detect} writes them), {@code null} for a classifier.
     */
    public record Served(String id, Path file, ExplainableModel model, ModelSettings settings, Labels labels,
                         Preprocessing preprocessing, DetectionLayout detection) {
        /** A classifier. */
        public Served(String id, Path file, ExplainableModel model, ModelSettings settings, Labels labels,
                      Preprocessing preprocessing) {
            this(id, file, model, settings, labels, preprocessing, null);
        }
    }

    /** Request limits. */
    public record Limits(int queue, int timeoutSeconds, long maxBody, long maxPixels, int sendSeconds) {
        /** Limits with the default time to send a request ({@value #SEND_SECONDS} s). */
        public Limits(int queue, int timeoutSeconds, long maxBody, long maxPixels) {
            this(queue, timeoutSeconds, maxBody, maxPixels, SEND_SECONDS);
        }
    }

    /** Exchanges handled at once at the most (each a thread while it reads its request or writes its answer). */
    private static final int CONNECTION_THREADS = 1024;

    /** Seconds a client may take to send a request's headers and body, by default. */
    public static final int SEND_SECONDS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServedPage PAGE = ServedPage.load("/org/cam4j/cli/serve/index.html");
    private static final int TOP = 5;
    /** How messages name a request's image (read from the request, never from a file). */
    private static final Path UPLOAD = Path.of("the uploaded image");

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final ExecutorService acceptors;
    private final Map<String, Served> models = new LinkedHashMap<>();
    private final Limits limits;
    private final RequestGuard guard;
    private final Map<String, Progress> requests = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();

    /** A running request: methods done of the total, and its computation for cancelling. */
    private static final class Progress {
        final int total;
        final AtomicInteger done = new AtomicInteger();
        volatile Future<?> future;
        volatile String state = "queued";

        Progress(int total) {
            this.total = total;
        }
    }

    private CamServer(HttpServer http, List<Served> served, Limits limits, RequestGuard guard) {
        this.guard = guard;
        this.http = http;
        this.limits = limits;
        served.forEach(s -> models.put(s.id(), s));
        int cores = org.cam4j.engine.Limits.cores();
        this.workers = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()));
        // one thread per open exchange, made as needed: a client that sends slowly holds only its own thread (until
        // the send limit closes it), never the others' (a fixed pool of 64 froze under 64 slow senders)
        this.acceptors = new ThreadPoolExecutor(0, CONNECTION_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
        http.setExecutor(acceptors);
        http.createContext("/", this::page);
        http.createContext("/api/", this::api);
    }

    /** Starts a server on {@code host:port} (port 0: any free one) answering to IP addresses and localhost only. */
    public static CamServer start(String host, int port, List<Served> served, Limits limits) throws IOException {
        return start(host, port, served, limits, List.of());
    }

    /** @param allowedHosts host names the server answers to besides IP addresses and localhost ({@code --allow-host}) */
    public static CamServer start(String host, int port, List<Served> served, Limits limits, List<String> allowedHosts)
            throws IOException {
        sendTimeLimit(limits.sendSeconds());
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new RequestException("--host " + host + " is not a name or address of this machine; use 127.0.0.1"
                    + " (this machine only) or one of its addresses");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (java.net.BindException e) {
            boolean inUse = String.valueOf(e.getMessage()).contains("in use");
            throw new RequestException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); "
                    + (inUse ? "choose another --port" : "--host must be an address of this machine"));
        }
        CamServer server = new CamServer(http, served, limits, new RequestGuard(allowedHosts));
        http.start();
        return server;
    }

    /**
     * Bounds the time a client may take to send a request, after which the JDK's server closes the connection: idle
     * sockets, slow senders and a Content-Length longer than the body would otherwise hold a thread each until the
     * server froze. A body gets {@code seconds} from its headers and then a 408 ({@link BodyReader}); the whole
     * request twice that before the connection is closed (headers that never end get no answer: the JDK's server
     * calls no handler before them). The JDK reads this setting once per JVM, when its first server starts, so a
     * value set before (with {@code -Dsun.net.httpserver.maxReqTime}) is kept.
     */
    private static void sendTimeLimit(int seconds) {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(2L * seconds));
        }
    }

    /** Where a browser on this machine opens the server: a wildcard bind (0.0.0.0) is reached at 127.0.0.1. */
    public String address() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Whether other machines can reach the server (it listens beyond loopback). */
    public boolean reachableFromOtherMachines() {
        return !http.getAddress().getAddress().isLoopbackAddress();
    }

    /** The port the server listens on (the one chosen when started with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
        acceptors.shutdownNow();
    }

    // ---- the page ----

    private void page(HttpExchange ex) throws IOException {
        try {
            guard.check(ex);
        } catch (BodyReader.Answered e) {
            // the client got its 408 while its body was awaited
        } catch (HttpError e) {
            error(ex, e.status, e.getMessage());
            return;
        }
        String path = ex.getRequestURI().getPath();
        boolean read = ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD");
        if (!read || !(path.equals("/") || path.equals("/index.html"))) {
            error(ex, 404, "no page " + path + "; the app is at /");
            return;
        }
        ex.getResponseHeaders().set("Content-Security-Policy", PAGE.policy());
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(ex, 200, "text/html; charset=utf-8", PAGE.html());
    }

    // ---- the API ----

    private void api(HttpExchange ex) throws IOException {
        try {
            guard.check(ex);
            String path = ex.getRequestURI().getPath();
            // HEAD is answered as GET, without the body (send)
            String method = ex.getRequestMethod().equals("HEAD") ? "GET" : ex.getRequestMethod();
            String[] parts = path.substring("/api/".length()).split("/");
            if (method.equals("GET") && path.equals("/api/models")) {
                sendJson(ex, 200, modelsJson());
            } else if (method.equals("GET") && parts.length == 3 && parts[0].equals("models")
                    && parts[2].equals("layers")) {
                sendJson(ex, 200, layersJson(served(parts[1])));
            } else if (method.equals("GET") && path.equals("/api/methods")) {
                ArrayNode a = JSON.createArrayNode();
                Methods.registry().all().forEach(m -> a.addObject().put("name", m.name()).put("description",
                        m.description()).put("needs", m.needs().toString()));
                sendJson(ex, 200, a);
            } else if (method.equals("GET") && path.equals("/api/demo-image")) {
                // the bundled photo for a classifier; for a detector (?model=ID), the bundled group photo
                String query = String.valueOf(ex.getRequestURI().getQuery());
                boolean detector = query.startsWith("model=") && models.containsKey(query.substring(6))
                        && models.get(query.substring(6)).detection() != null;
                send(ex, 200, detector ? "image/jpeg" : "image/png", Files.readAllBytes(detector
                        ? DefaultModel.detectorImage() : DefaultModel.image()));
            } else if (parts.length == 2 && parts[0].equals("requests")) {
                progress(ex, method, parts[1]);
            } else if (method.equals("POST") && path.equals("/api/explain")) {
                explain(ex);
            } else if (path.equals("/api/models") || path.equals("/api/methods") || path.equals("/api/demo-image")
                    || path.equals("/api/explain")) {
                String allowed = path.equals("/api/explain") ? "POST" : "GET";
                ex.getResponseHeaders().set("Allow", allowed);
                error(ex, 405, method + " is not allowed on " + path + "; use " + allowed);
            } else {
                error(ex, 404, "no API endpoint " + method + " " + path + "; see the README's 'cam serve' section");
            }
        } catch (BodyReader.Answered e) {
            // the client got its 408 while its body was awaited
        } catch (HttpError e) {
            error(ex, e.status, e.getMessage());
        } catch (IllegalArgumentException | UnsupportedOperationException | java.io.UncheckedIOException e) {
            // every CamException (a RequestException too) is an IllegalArgumentException
            error(ex, 400, String.valueOf(e.getMessage()).lines().findFirst().orElse("bad request"));
        } catch (RuntimeException e) {
            error(ex, 500, "internal error: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private Served served(String id) {
        Served s = models.get(id);
        if (s == null) {
            throw new HttpError(404, "unknown model '" + id + "'; served: " + models.keySet());
        }
        return s;
    }

    private ArrayNode modelsJson() {
        ArrayNode a = JSON.createArrayNode();
        for (Served s : models.values()) {
            ObjectNode o = a.addObject().put("id", s.id()).put("file", s.file().getFileName().toString())
                    .put("layout", s.model().input().layout().name())
                    .put("classes", s.model().output().valuesPerImage())
                    .put("task", s.detection() != null ? "detection" : ImageSegmenter.isSegmenter(s.model())
                            ? "segmentation" : "classification");
            ArrayNode labels = o.putArray("labels");
            if (s.detection() != null) {
                // a detector's output is anchors x columns, not classes: its labels file names its classes
                s.labels().names().forEach(labels::add);
            } else {
                // a segmenter's classes are its output's channels, not its values
                long[] shape = s.model().output().shape();
                int classes = !ImageSegmenter.isSegmenter(s.model()) ? s.model().output().valuesPerImage()
                        : shape.length == 4 ? (int) shape[1] : 1;
                for (int k = 0; k < Math.max(0, classes); k++) {
                    labels.add(s.labels().name(k));
                }
            }
            o.put("suggestedLayer", s.model().layers().stream().filter(LayerInfo::suggested).map(LayerInfo::name)
                    .findFirst().orElse(""));
        }
        return a;
    }

    private static ArrayNode layersJson(Served s) {
        ArrayNode a = JSON.createArrayNode();
        for (LayerInfo l : s.model().layers()) {
            ObjectNode o = a.addObject().put("name", l.name()).put("op", l.opType()).put("suggested", l.suggested())
                    .put("kind", l.kind().name().toLowerCase(java.util.Locale.ROOT));
            java.util.Arrays.stream(l.shape()).forEach(o.withArray("shape")::add);
        }
        return a;
    }

    private void progress(HttpExchange ex, String method, String id) throws IOException {
        Progress p = requests.get(id);
        if (p == null) {
            throw new HttpError(404, "no running request '" + id + "'");
        }
        if (method.equals("DELETE")) {
            p.state = "cancelled";
            if (p.future != null) {
                p.future.cancel(true);
            }
        } else if (!method.equals("GET")) {
            throw new HttpError(405, "use GET or DELETE on /api/requests/{id}");
        }
        sendJson(ex, 200, JSON.createObjectNode().put("id", id).put("done", p.done.get()).put("total", p.total)
                .put("state", p.state));
    }

    /** What a request asks for, parsed before any work is queued. */
    private record ExplainRequest(byte[] image, Served model, List<CamMethod> methods, List<String> layers,
                                  List<String> targets, Map<String, String> options, String format, String id,
                                  List<String> metrics) {
    }

    private void explain(HttpExchange ex) throws IOException {
        ExplainRequest req = parse(ex);
        Progress progress = new Progress(req.methods().size());
        if (requests.putIfAbsent(req.id(), progress) != null) {
            // a second request under the same id would take over the first one's progress and cancel
            throw new HttpError(409, "request_id '" + req.id() + "' belongs to a request still running; choose"
                    + " another");
        }
        try {
            Future<ObjectNode> f;
            try {
                f = workers.submit(() -> {
                    progress.state = "running";
                    synchronized (req.model()) {
                        return compute(req, progress);
                    }
                });
            } catch (RejectedExecutionException e) {
                throw new HttpError(503, "busy: " + limits.queue() + " requests are waiting already; retry later");
            }
            progress.future = f;
            ObjectNode result;
            try {
                result = f.get(limits.timeoutSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new HttpError(504, "the request took longer than " + limits.timeoutSeconds() + " s (--timeout)"
                        + " and was cancelled");
            } catch (CancellationException e) {
                throw new HttpError(409, "the request was cancelled");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HttpError(503, "the server is stopping");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof CancellationException) {
                    throw new HttpError(409, "the request was cancelled");
                }
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(c);
            }
            progress.state = "done";
            sendJson(ex, 200, result);
        } finally {
            requests.remove(req.id());
        }
    }

    private ExplainRequest parse(HttpExchange ex) throws IOException {
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
            return request(image, fields.get("model"), split(fields.get("methods")), split(fields.get("layers")),
                    split(fields.get("targets")), Map.of(), fields.get("format"), fields.get("request_id"),
                    split(fields.get("metrics")));
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON body (" + e.getOriginalMessage() + "); send {\"image\": \"<base64>\","
                    + " ...} or multipart form data");
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
        return request(image, root.path("model").asText(null), strings(root.path("methods")),
                strings(root.path("layers")), strings(root.path("targets")), options, root.path("format").asText(null),
                root.path("request_id").asText(null), strings(root.path("metrics")));
    }

    private ExplainRequest request(byte[] image, String modelId, List<String> methods, List<String> layers,
                                   List<String> targets, Map<String, String> options, String format, String id,
                                   List<String> metrics) {
        if (image == null || image.length == 0) {
            throw new HttpError(400, "no image: send its file's bytes as \"image\" (base64) or a multipart part"
                    + " named image");
        }
        Served model = modelId == null ? models.values().iterator().next() : served(modelId);
        String f = format == null ? "png" : format;
        if (!f.equals("png") && !f.equals("npy")) {
            throw new HttpError(400, "unknown format '" + f + "'; use png or npy");
        }
        List<CamMethod> chosen = Methods.distinct(methods.isEmpty() ? List.of("GradCAM") : methods);
        String requestId = id == null || id.isBlank() ? "r" + requestIds.incrementAndGet() : id;
        if (!requestId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new HttpError(400, "request_id must be 1-64 letters, digits, '-' or '_'");
        }
        return new ExplainRequest(image, model, chosen, layers, targets, options, f, requestId, metrics);
    }

    /**
     * The explanation of one image, through the engine's loop as {@code cam explain} runs it, with the metrics the
     * request names computed on each method's map as {@code cam evaluate} does.
     */
    private ObjectNode compute(ExplainRequest req, Progress progress) {
        Served s = req.model();
        if (s.detection() != null) {
            return detect(req, progress);
        }
        List<String> layers = req.layers().isEmpty() ? ModelOpening.layersOrDefault(null, s.settings(), s.model())
                : req.layers();
        Map<String, String> options = new HashMap<>(req.options());
        float weight = imageWeight(options);
        if (ImageSegmenter.isSegmenter(s.model())) {
            options.remove("image_weight");
            return segment(req, new ImageExplainer(s.model(), s.preprocessing(), s.labels(), layers, weight), options,
                    progress);
        }
        int batch = org.cam4j.engine.Limits.batchSize(options.getOrDefault("batch_size", "auto"), "options.batch_size");
        CamOptions base = new CamOptions(flag(options, "eigen_smooth"), flag(options, "aug_smooth"), batch, Map.of());
        RoadSettings road = RoadSettings.of(optionalNumber(options, "road_noise"), null,
                options.containsKey("seed") ? (long) number(options, "seed", null) : null,
                field -> "options." + field);
        options.keySet().removeAll(List.of("image_weight", "batch_size", "eigen_smooth", "aug_smooth", "road_noise",
                "seed"));
        Map<CamMethod, CamOptions> perMethod = MethodOptions.forEach(req.methods(), options, base, "option");
        DetectorRefusal.check(s.model(), "model '" + s.id() + "'", req.targets(), DetectorRefusal.Where.SERVE);
        List<CamMetric> metrics = metrics(req.metrics());
        // one rule with the CLI's, except that a request never names a file on the server
        List<Target> targets = req.targets().isEmpty() ? List.of(org.cam4j.targets.Targets.topClass())
                : req.targets().stream().map(t -> TargetSpecs.parse(t, s.labels(), s.model().output().valuesPerImage(),
                TargetSpecs.Files.REFUSE)).toList();
        ImageExplainer explainer = new ImageExplainer(s.model(), s.preprocessing(), s.labels(), layers, weight);
        ObjectNode out = JSON.createObjectNode().put("model", s.id());
        // the first target's maps at the top (one target: the whole answer); every target's in "targets" when
        // several are asked for, in the request's order
        List<ObjectNode> perTarget = new ArrayList<>();
        for (int k = 0; k < targets.size(); k++) {
            perTarget.add(k == 0 ? out : JSON.createObjectNode());
        }
        ObjectNode seconds = JSON.createObjectNode();
        List<MethodChoice> methods = req.methods().stream().map(m -> new MethodChoice(m, perMethod.get(m))).toList();
        explainUpload(req, explainer, ExplainLoop.TargetRule.byFile(file -> targets), methods, rows -> {
            RgbImage photo = rows.image(0).image();
            out.putObject("image").put("width", photo.width()).put("height", photo.height());
            return maps -> {
                CamResult r = maps.result();
                String name = maps.method().method().name();
                if (!out.has("predictions")) {
                    ArrayNode p = out.putArray("predictions");
                    explainer.predictions(r.outputs(), TOP).get(0).forEach(x -> p.addObject()
                            .put("class", x.index()).put("label", x.label())
                            .put("probability", x.probability()));
                    for (int k = 0; k < perTarget.size(); k++) {
                        ObjectNode answer = perTarget.get(k);
                        answer.put("target", TargetNames.targetLabel(r.targets().get(k), s.labels()));
                        answer.putObject("cams");
                        if (k == 0) {
                            answer.set("seconds", seconds);
                        }
                        if (!metrics.isEmpty()) {
                            answer.putObject("metrics");
                        }
                    }
                }
                Map<String, double[]> scores = MetricScores.scores(metrics, explainer, maps.method(), rows.input(), r,
                        road, Map.of());
                for (int k = 0; k < perTarget.size(); k++) {
                    ObjectNode answer = perTarget.get(k);
                    Tensor cam = r.cams().slice(k);
                    ((ObjectNode) answer.get("cams")).put(name, encoded(req.format(), cam,
                            () -> explainer.overlay(photo, cam)));
                    if (!metrics.isEmpty()) {
                        int row = k;
                        ObjectNode methodScores = ((ObjectNode) answer.get("metrics")).putObject(name);
                        scores.forEach((metric, v) -> methodScores.put(metric, v[row]));
                    }
                }
                seconds.put(name, maps.seconds());
                progress.done.incrementAndGet();
            };
        });
        if (perTarget.size() > 1) {
            ArrayNode all = out.putArray("targets");
            all.addObject().put("target", out.get("target").asText()).set("cams", out.get("cams"));
            if (out.has("metrics")) {
                ((ObjectNode) all.get(0)).set("metrics", out.get("metrics"));
            }
            perTarget.subList(1, perTarget.size()).forEach(all::add);
        }
        return out;
    }

    /**
     * A segmenter's answer, as {@code cam segment} computes it: the class over the model's own mask (the request's
     * first target names the class, else the largest one other than the background; {@code options.threshold} for a
     * one-channel output), the mask and each method's map at the photo's size.
     */
    private ObjectNode segment(ExplainRequest req, ImageExplainer explainer, Map<String, String> options,
                               Progress progress) {
        Served s = req.model();
        double threshold = number(options, "threshold", String.valueOf(ImageSegmenter.DEFAULT_THRESHOLD));
        options.remove("threshold");
        Map<CamMethod, CamOptions> perMethod = MethodOptions.forEach(req.methods(), options, CamOptions.defaults(),
                "option");
        if (!req.metrics().isEmpty()) {
            throw new HttpError(400, "a segmenter's request takes no metrics here; use cam evaluate --own-mask");
        }
        if (req.targets().size() > 1) {
            throw new HttpError(400, "a segmenter's request takes one target, the class whose mask is explained; got "
                    + req.targets().size());
        }
        ImageSegmenter segmenter = new ImageSegmenter(explainer, "model '" + s.id() + "'", req.targets().isEmpty()
                ? null : req.targets().get(0), threshold, null, field -> field.equals("class") ? "targets"
                : "options." + field);
        ObjectNode out = JSON.createObjectNode().put("model", s.id()).put("task", "segmentation");
        ObjectNode cams = JSON.createObjectNode();
        ObjectNode seconds = JSON.createObjectNode();
        List<MethodChoice> methods = req.methods().stream().map(m -> new MethodChoice(m, perMethod.get(m))).toList();
        explainUpload(req, explainer, segmenter, methods, rows -> {
            ImagePipeline.Loaded image = rows.batch().loaded().get(0);
            RgbImage photo = image.image();
            ImageSegmenter.Mask mask = segmenter.mask(image);
            String label = s.labels().name(mask.category());
            if (mask.fraction() == 0) {
                throw new HttpError(400, "the mask of class " + label + " is empty; choose another"
                        + " class (targets) or options.threshold");
            }
            Tensor onPhoto = segmenter.maskOnPhoto(photo, mask);
            out.putObject("image").put("width", photo.width()).put("height", photo.height());
            out.put("class", mask.category()).put("label", label).put("mask_fraction",
                    mask.fraction());
            out.put("mask", encoded(req.format(), onPhoto, () -> segmenter.maskPicture(photo,
                    onPhoto)));
            return maps -> {
                String name = maps.method().method().name();
                Tensor map = segmenter.onPhoto(photo, maps.result().cams().slice(0));
                cams.put(name, encoded(req.format(), map, () -> org.cam4j.image.Overlay
                        .showCamOnImage(segmenter.picture(photo), map, explainer.imageWeight())));
                seconds.put(name, maps.seconds());
                progress.done.incrementAndGet();
            };
        });
        out.set("cams", cams);
        out.set("seconds", seconds);
        return out;
    }

    /**
     * The engine's loop over the request's one image (read from the request, never from a file): an unreadable
     * image is a 400; {@code batch} takes the image's rows and returns what takes each method's maps.
     */
    private void explainUpload(ExplainRequest req, ImageExplainer explainer, ExplainLoop.TargetRule targets,
                               List<MethodChoice> methods,
                               java.util.function.Function<ExplainLoop.Rows,
                                       java.util.function.Consumer<ExplainLoop.Maps>> batch) {
        try (ImagePipeline pipeline = new ImagePipeline(req.model().preprocessing(), limits.maxPixels(), 1,
                file -> req.image())) {
            new ExplainLoop(explainer, pipeline).run(List.of(UPLOAD), targets, methods, TOP,
                    new ExplainLoop.Results() {
                        @Override
                        public void failed(ImagePipeline.Failed failed) {
                            throw new HttpError(400, failed.reason());
                        }

                        @Override
                        public java.util.function.Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                            return batch.apply(rows);
                        }
                    });
        }
    }

    /**
     * The metrics a request names, {@code all} for every one that needs no ground truth (a request carries none), as
     * {@code cam evaluate} defaults to; none when it names none.
     */
    private static List<CamMetric> metrics(List<String> names) {
        if (names.equals(List.of("all"))) {
            return Metrics.registry().all().stream().filter(m -> !m.needsGroundTruth()).toList();
        }
        List<CamMetric> metrics = names.stream().distinct().map(Metrics::get).toList();
        for (CamMetric m : metrics) {
            if (m.needsGroundTruth()) {
                throw new HttpError(400, m.name() + " needs ground-truth masks, which cam serve does not take; use"
                        + " cam evaluate --masks");
            }
        }
        return metrics;
    }

    /**
     * A detector's answer, as {@code cam detect --per-box} computes it: the detections (label, score, box in photo
     * pixels), each with its own map per method that reads the target, and one map for all detections of the methods
     * that do not (EigenCAM); maps at the photo's resolution. Options: {@code score_threshold}, {@code iou},
     * {@code top_k}, {@code image_weight}.
     */
    private ObjectNode detect(ExplainRequest req, Progress progress) {
        Served s = req.model();
        Map<String, String> options = new HashMap<>(req.options());
        float weight = imageWeight(options);
        PostProcessing post = ImageDetector.postProcessing(number(options, "score_threshold",
                ImageDetector.DEFAULT_SCORE_THRESHOLD), number(options, "iou", ImageDetector.DEFAULT_IOU),
                (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, number(options, "top_k",
                ImageDetector.DEFAULT_TOP_K))),
                "options.score_threshold", "options.iou", "options.top_k");
        options.keySet().removeAll(List.of("image_weight", "score_threshold", "iou", "top_k"));
        Map<CamMethod, CamOptions> perMethod = MethodOptions.forEach(req.methods(), options, CamOptions.defaults(),
                "option");
        if (!req.targets().isEmpty()) {
            throw new HttpError(400, "a detector's request takes no targets: every detection is explained");
        }
        if (!req.metrics().isEmpty()) {
            throw new HttpError(400, "a detector's request takes no metrics: cam evaluate's metrics read class scores");
        }
        List<String> layers = req.layers().isEmpty() ? DetectorOpening.layers(null, s.settings(), s.model())
                : req.layers();
        ImageDetector detector = new ImageDetector(s.model(), s.preprocessing(), s.labels(), layers, s.detection(),
                post, DetectorOpening.letterbox(null, s.detection()), weight);
        ObjectNode out = JSON.createObjectNode().put("model", s.id()).put("task", "detection");
        List<MethodChoice> methods = req.methods().stream().map(m -> new MethodChoice(m, perMethod.get(m))).toList();
        try (ImagePipeline pipeline = detector.writer(limits.maxPixels(), 1)) {
            new DetectionLoop(detector, pipeline, true, false).run(List.of(UPLOAD), Path::toString,
                    limits.maxPixels(), file -> req.image(), methods, new DetectionLoop.Results() {
                        @Override
                        public void failed(ImageDetector.Prepared failed) {
                            throw new HttpError(400, failed.error());
                        }

                        @Override
                        public DetectionLoop.PhotoResults photo(ImageDetector.Found found) {
                            return detectionAnswer(detector, found, req.format(), out, progress);
                        }
                    });
        }
        return out;
    }

    /**
     * Fills a detector's answer: the detections with their own maps, the maps of all detections, each method's
     * seconds.
     */
    private static DetectionLoop.PhotoResults detectionAnswer(ImageDetector detector, ImageDetector.Found found,
                                                              String format, ObjectNode out, Progress progress) {
        out.putObject("image").put("width", found.decoded().sourceWidth()).put("height", found.decoded().sourceHeight());
        ArrayNode detections = out.putArray("detections");
        List<ObjectNode> boxCams = new ArrayList<>();
        for (Detection d : found.detections()) {
            boxCams.add(detector.describe(found, d, detections.addObject()).putObject("cams"));
        }
        ObjectNode cams = out.putObject("cams");
        ObjectNode seconds = out.putObject("seconds");
        return new DetectionLoop.PhotoResults() {
            @Override
            public void map(DetectionLoop.PhotoMap map) {
                (map.perBox() ? boxCams.get(map.box()) : cams).put(map.method().method().name(), encoded(format,
                        map.map(), () -> detector.overlay(found, map.map(), map.drawn())));
            }

            @Override
            public void methodDone(MethodChoice method, int maps, double time) {
                seconds.put(method.method().name(), time);
                progress.done.incrementAndGet();
            }
        };
    }

    /** A map as the answer carries it: base64 {@code .npy}, or its overlay (made only then) as a PNG data URL. */
    private static String encoded(String format, Tensor map, java.util.function.Supplier<Tensor> overlay) {
        return format.equals("npy") ? Base64.getEncoder().encodeToString(Npy.bytes(map))
                : "data:image/png;base64," + Base64.getEncoder().encodeToString(ImageFiles.png(overlay.get()));
    }

    /** The overlays' photo weight option, checked. */
    private static float imageWeight(Map<String, String> options) {
        return org.cam4j.engine.Limits.imageWeight((float) number(options, "image_weight", "0.5"),
                "options.image_weight");
    }

    /** A number option, or a 400 naming it: "x" was "For input string", a fraction for top_k was cut silently. */
    /** An option's number, or null when the request does not give it. */
    private static Double optionalNumber(Map<String, String> options, String key) {
        return options.containsKey(key) ? number(options, key, null) : null;
    }

    private static double number(Map<String, String> options, String key, String fallback) {
        String v = options.getOrDefault(key, fallback).trim();
        boolean whole = key.equals("top_k") || key.equals("seed");
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d) || whole && d != Math.rint(d)) {
                throw new NumberFormatException(v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new HttpError(400, "options." + key + " must be a " + (whole ? "whole " : "")
                    + "number, got '" + v + "'");
        }
    }

    /** A true/false option, or a 400 naming it (anything but "true" was silently false). */
    private static boolean flag(Map<String, String> options, String key) {
        String v = options.getOrDefault(key, "false").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new HttpError(400, "options." + key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
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

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        sendJson(ex, status, JSON.createObjectNode().put("error", message));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
        ex.close();
    }
}
