package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.LayerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cam layers}: candidate target layers, the suggested one marked. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "List candidate target layers (spatial maps and token tensors); '*' marks the suggested one.")
final class LayersCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode list = Yaml.json().createArrayNode();
        try (ExplainableModel model = modelArgs.open()) {
            for (LayerInfo l : model.layers()) {
                ObjectNode o = list.addObject().put("name", l.name()).put("op", l.opType()).put("node", l.nodeName())
                        .put("kind", l.kind().name().toLowerCase()).put("suggested", l.suggested());
                Arrays.stream(l.shape()).forEach(o.withArray("shape")::add);
                if (!json) {
                    out.printf("%s %-60s %-20s %-8s %s%n", l.suggested() ? "*" : " ", l.name(), l.opType(),
                            l.kind().name().toLowerCase(), Arrays.toString(l.shape()));
                }
            }
        }
        if (json) {
            out.println(list.toPrettyString());
        }
        return 0;
    }
}
