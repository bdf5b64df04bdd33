package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cam4j.spi.Backends;
import org.cam4j.spi.ModelBackend;
import picocli.CommandLine.Command;

/** {@code cam backends}: the model backends on the classpath. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List the model backends.")
final class BackendsCommand extends ListingCommand {
    @Override
    void list(ArrayNode rows, List<String> lines) {
        for (ModelBackend b : Backends.registry().all()) {
            ObjectNode o = rows.addObject().put("name", b.name()).put("rank", b.rank())
                    .put("description", b.description());
            b.capabilities().forEach(c -> o.withArray("capabilities").add(c.name()));
            lines.add(String.format("%-8s rank %-4d %s %s", b.name(), b.rank(), b.capabilities(), b.description()));
        }
    }
}
