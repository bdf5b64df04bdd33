package org.cam4j.cli;

import org.cam4j.engine.DetectorOpening;
import org.cam4j.cli.serve.CamServer;
import org.cam4j.engine.ModelSetup;
import org.cam4j.engine.PreprocessingRequest;
import org.cam4j.engine.store.OutputFolder;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.Limits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cam4j.image.ImageFiles;
import org.cam4j.model.ExplainableModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cam serve}: a local page to explore a model's explanations and a JSON API over the same code as
 * {@code cam explain} (see {@link CamServer}). Binds to loopback unless {@code --host} says otherwise.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a local web page and a JSON API to explain images.",
            "With no --model: the bundled CIFAR-10 ResNet-8."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", arity = "1..*", paramLabel = "FILE", description = "Models to serve (opened once).")
    List<Path> models;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0: any free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}"
            + " (this machine only).")
    String host;

    @Option(names = "--allow-host", arity = "1..*", paramLabel = "NAME", description = "Host names the server"
            + " answers to besides IP addresses and localhost (requests naming others are refused: DNS rebinding).")
    List<String> allowedHosts;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Intra-op threads per model (0: the runtime's default).")
    int threads;

    @Option(names = "--queue", defaultValue = "32", paramLabel = "N",
            description = "Requests waiting at most; more get 503. Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "S",
            description = "Seconds a request may take; then 504 and it is cancelled. Default: ${DEFAULT-VALUE}.")
    int timeout;

    @Option(names = "--send-timeout", defaultValue = "20", paramLabel = "S", description = "Seconds a client may"
            + " take to send a request's body after its headers (then a 408); the whole request is cut off at twice"
            + " that. Default: ${DEFAULT-VALUE}.")
    int sendTimeout;

    @Option(names = "--max-request-mb", defaultValue = "32", paramLabel = "MB",
            description = "Largest request body. Default: ${DEFAULT-VALUE}.")
    int maxRequestMb;

    @Option(names = "--max-pixels", defaultValue = "50000000", paramLabel = "N",
            description = "Largest image (width x height). Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Override
    public Integer call() throws Exception {
        Limits.threads(threads, "--threads");
        Limits.range(queue, 1, 10_000, "--queue");
        Limits.range(timeout, 1, 86_400, "--timeout");
        Limits.range(sendTimeout, 1, 3_600, "--send-timeout");
        Limits.range(maxRequestMb, 1, 2048, "--max-request-mb");
        Limits.range(port, 0, 65_535, "--port");
        if (maxPixels < 1 || maxPixels > ImageFiles.DEFAULT_MAX_PIXELS) {
            throw new RequestException("--max-pixels must be between 1 and " + ImageFiles.DEFAULT_MAX_PIXELS);
        }
        List<CamServer.Served> served = new ArrayList<>();
        try {
            List<Path> files = new ArrayList<>();
            if (models == null) {
                files.add(null); // the bundled model
            } else {
                files.addAll(models);
            }
            for (Path p : files) {
                ModelArgs args = new ModelArgs();
                args.model = p;
                args.threads = threads;
                String id = uniqueId(p == null ? "cifar10-resnet8" : OutputFolder.safeName(OutputNames.base(p)),
                        served);
                ModelSetup setup = args.setup(PreprocessingRequest.NONE, null, null);
                ExplainableModel model = setup.open();
                if (DetectorOpening.recognise(model).isPresent()) {
                    // reopened on the outputs its layout reads (when not its first), as cam detect opens it
                    DetectorOpening.Opened opened = DetectorOpening.open(model, setup::open, args.path(), "auto");
                    served.add(new CamServer.Served(id, args.path(), opened.model(), setup.settings(), setup.labels(),
                            setup.preprocessing(opened), opened.outputs().layout()));
                    continue;
                }
                served.add(new CamServer.Served(id, args.path(), model, setup.settings(), setup.labels(),
                        setup.preprocessing(model)));
            }
            CamServer.Limits limits = new CamServer.Limits(queue, timeout, (long) maxRequestMb << 20, maxPixels,
                    sendTimeout);
            try (CamServer server = CamServer.start(host, port, served, limits,
                    allowedHosts == null ? List.of() : allowedHosts)) {
                PrintWriter out = spec.commandLine().getOut();
                out.println("cam serve: http://" + server.address() + "/ (models: " + String.join(", ",
                        served.stream().map(CamServer.Served::id).toList()) + "); Ctrl-C to stop");
                if (server.reachableFromOtherMachines()) {
                    spec.commandLine().getErr().println("cam serve: warning: listening on " + host + ", beyond this"
                            + " machine, with no authentication: anyone who can reach port " + server.port()
                            + " can use it (and its CPU); bind to 127.0.0.1 unless that is what you want");
                }
                out.flush();
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        } finally {
            served.forEach(s -> s.model().close());
        }
        return 0;
    }

    /** A model's id, unique among those served: a second resnet50.onnx (from another folder) is resnet50-2. */
    static String uniqueId(String wanted, List<CamServer.Served> served) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        served.forEach(s -> taken.add(s.id().toLowerCase(java.util.Locale.ROOT)));
        String id = wanted;
        for (int n = 2; taken.contains(id.toLowerCase(java.util.Locale.ROOT)); n++) {
            id = wanted + "-" + n;
        }
        return id;
    }
}
