package org.cam4j.cli;

import picocli.CommandLine.Option;

/** The reference's two smoothings of every map, shared by cam explain and cam evaluate (which scores those maps). */
final class SmoothingArgs {
    @Option(names = "--aug-smooth", description = "Average each map over flips and brightness changes (6 passes).")
    boolean augSmooth;

    @Option(names = "--eigen-smooth", description = "Project each map on its first principal component.")
    boolean eigenSmooth;
}
