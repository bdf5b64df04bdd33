package org.cam4j.cli;

import org.cam4j.engine.Yaml;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that lists things: one JSON array with {@code --json}, else one text line per item. */
abstract class ListingCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** Adds one JSON object per item to {@code rows} and its text line to {@code lines}. */
    abstract void list(ArrayNode rows, List<String> lines);

    @Override
    public Integer call() {
        ArrayNode rows = Yaml.json().createArrayNode();
        List<String> lines = new ArrayList<>();
        list(rows, lines);
        if (json) {
            spec.commandLine().getOut().println(rows.toPrettyString());
        } else {
            lines.forEach(spec.commandLine().getOut()::println);
        }
        return 0;
    }
}
