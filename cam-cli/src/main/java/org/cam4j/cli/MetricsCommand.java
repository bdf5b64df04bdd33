package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.cam4j.metrics.CamMetric;
import org.cam4j.metrics.Metrics;
import picocli.CommandLine.Command;

/** {@code cam metrics}: the metrics on the classpath, plugins included. */
@Command(name = "metrics", mixinStandardHelpOptions = true, description = "List the CAM metrics (for 'cam evaluate').")
final class MetricsCommand extends ListingCommand {
    @Override
    void list(ArrayNode rows, List<String> lines) {
        for (CamMetric m : Metrics.registry().all()) {
            rows.addObject().put("name", m.name()).put("perPercentile", m.perPercentile())
                    .put("description", m.description());
            lines.add(String.format("%-30s %s%s", m.name(), m.description(), m.perPercentile()
                    ? " (per --road-percentiles value)" : ""));
        }
    }
}
