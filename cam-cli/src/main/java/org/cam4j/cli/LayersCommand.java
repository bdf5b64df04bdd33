package org.cam4j.cli;

import org.cam4j.engine.RequestException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.LayerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cam layers}: candidate target layers, the suggested one marked. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "List candidate target layers (spatial maps and token tensors); '*' marks the suggested one.")
final class LayersCommand extends ListingCommand {
    @Mixin
    ModelArgs modelArgs = new ModelArgs();

    @Override
    void list(ArrayNode rows, List<String> lines) {
        try (ExplainableModel model = modelArgs.open()) {
            if (model.layers().isEmpty()) {
                throw new RequestException("no candidate target layers in " + modelArgs.path() + ": no tensor inside the"
                        + " network is a spatial map (N x C x H x W, H and W > 1) or a token sequence; name a tensor"
                        + " with --layer if you know one");
            }
            List<String> levels = detectorLevels(model);
            for (LayerInfo l : model.layers()) {
                boolean suggested = levels.isEmpty() ? l.suggested() : levels.contains(l.name());
                ObjectNode o = rows.addObject().put("name", l.name()).put("op", l.opType()).put("node", l.nodeName())
                        .put("kind", l.kind().name().toLowerCase()).put("suggested", suggested);
                Arrays.stream(l.shape()).forEach(o.withArray("shape")::add);
                lines.add(String.format("%s %-60s %-20s %-8s %s", suggested ? "*" : " ", l.name(), l.opType(),
                        l.kind().name().toLowerCase(), Arrays.toString(l.shape())));
            }
            if (!levels.isEmpty()) {
                lines.add("* a detector: the maps its heads read, one per pyramid level (cam detect's default layers,"
                        + " combined): " + String.join(" ", levels));
            }
        }
    }

    /** For a detector (outputs in a detection layout), its pyramid levels; else none. */
    private static List<String> detectorLevels(ExplainableModel model) {
        return org.cam4j.detection.DetectorOutputs.recognise(model.outputs()).isPresent() ? model.detectorLevels()
                : List.of();
    }
}
