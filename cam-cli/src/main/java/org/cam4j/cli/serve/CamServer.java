package org.cam4j.cli.serve;

import org.cam4j.detection.DetectionLayout;
import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.plugin.PluginLinkage;
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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.LayerInfo;
import org.cam4j.spi.Methods;

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
 *
 * <p>This class is the HTTP plumbing only: a request is read by {@link ServeRequest}, answered by the engine's loops
 * through the answer of the model's task ({@link ClassifierAnswer}, {@link SegmenterAnswer}, {@link DetectorAnswer}).
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

    /** The JSON of answers and errors. */
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ServedPage PAGE = ServedPage.load("/org/cam4j/cli/serve/index.html");

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final ExecutorService acceptors;
    private final Map<String, Served> models = new LinkedHashMap<>();
    private final Limits limits;
    private final RequestGuard guard;
    private final Map<String, Progress> requests = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();

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
        } catch (LinkageError e) {
            // a plugin whose folder lacks a jar: the server's to fix, said as the command line says it
            error(ex, 500, PluginLinkage.describe(e));
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

    private void explain(HttpExchange ex) throws IOException {
        ServeRequest req = ServeRequest.read(ex, limits, id -> id == null ? models.values().iterator().next()
                : served(id), () -> "r" + requestIds.incrementAndGet());
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
                        return answer(req, progress);
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
                if (c instanceof LinkageError l) {
                    throw l;
                }
                throw new IllegalStateException(c);
            }
            progress.state = "done";
            sendJson(ex, 200, result);
        } finally {
            requests.remove(req.id());
        }
    }

    /** The answer the served model's task gives. */
    private ObjectNode answer(ServeRequest req, Progress progress) {
        Served s = req.model();
        if (s.detection() != null) {
            return DetectorAnswer.answer(req, limits.maxPixels(), progress);
        }
        if (ImageSegmenter.isSegmenter(s.model())) {
            return SegmenterAnswer.answer(req, limits.maxPixels(), progress);
        }
        return ClassifierAnswer.answer(req, limits.maxPixels(), progress);
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
