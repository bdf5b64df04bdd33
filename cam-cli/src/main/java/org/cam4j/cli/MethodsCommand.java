package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam methods}: every CAM method on the classpath (plugins included) with what it needs. */
@Command(name = "methods", mixinStandardHelpOptions = true, description = "List the CAM methods found on the classpath.")
final class MethodsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode list = Yaml.json().createArrayNode();
        for (CamMethod m : Methods.registry().all()) {
            ObjectNode o = list.addObject().put("name", m.name()).put("class", m.getClass().getName())
                    .put("description", m.description()).put("eigenSmooth", m.supportsEigenSmooth());
            m.aliases().forEach(o.withArray("aliases")::add);
            m.needs().forEach(c -> o.withArray("needs").add(c.name()));
            if (!json) {
                out.printf("%-20s %-28s %s%n", m.name(), m.needs().isEmpty() ? "(activations only)"
                        : m.needs().toString(), m.description());
            }
        }
        if (json) {
            out.println(list.toPrettyString());
        }
        return 0;
    }
}
