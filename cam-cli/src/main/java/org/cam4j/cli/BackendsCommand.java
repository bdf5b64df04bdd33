package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.cam4j.spi.Backends;
import org.cam4j.spi.ModelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam backends}: the model backends on the classpath. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List the model backends.")
final class BackendsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode list = Yaml.json().createArrayNode();
        for (ModelBackend b : Backends.registry().all()) {
            ObjectNode o = list.addObject().put("name", b.name()).put("rank", b.rank())
                    .put("description", b.description());
            b.capabilities().forEach(c -> o.withArray("capabilities").add(c.name()));
            if (!json) {
                out.printf("%-8s rank %-4d %s %s%n", b.name(), b.rank(), b.capabilities(), b.description());
            }
        }
        if (json) {
            out.println(list.toPrettyString());
        }
        return 0;
    }
}
