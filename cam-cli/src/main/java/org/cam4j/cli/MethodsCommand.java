package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import picocli.CommandLine.Command;

/** {@code cam methods}: every CAM method on the classpath (plugins included) with what it needs. */
@Command(name = "methods", mixinStandardHelpOptions = true, description = "List the CAM methods found on the classpath.")
final class MethodsCommand extends ListingCommand {
    @Override
    void list(ArrayNode rows, List<String> lines) {
        for (CamMethod m : Methods.registry().all()) {
            ObjectNode o = rows.addObject().put("name", m.name()).put("class", m.getClass().getName())
                    .put("description", m.description()).put("eigenSmooth", m.supportsEigenSmooth());
            m.aliases().forEach(o.withArray("aliases")::add);
            m.needs().forEach(c -> o.withArray("needs").add(c.name()));
            lines.add(String.format("%-20s %-28s %s", m.name(), m.needs().isEmpty() ? "(activations only)"
                    : m.needs().toString(), m.description()));
        }
    }
}
