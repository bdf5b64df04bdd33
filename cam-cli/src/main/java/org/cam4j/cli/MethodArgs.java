package org.cam4j.cli;

import org.cam4j.engine.FieldNames;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MethodRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which methods run and how, shared by cam explain, detect, segment and evaluate: names, perturbation batch, method
 * options; the command line's words for the engine's {@link MethodRequest}.
 */
final class MethodArgs {
    @Option(names = "--method", arity = "1..*", defaultValue = MethodRequest.DEFAULT_METHOD, paramLabel = "NAME",
            description = "CAM methods (see 'cam methods'). Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "auto", paramLabel = "K|auto",
            description = {"Perturbed inputs per run (ScoreCAM, AblationCAM). Default: ${DEFAULT-VALUE} (ScoreCAM: as many",
                "as fit in its memory_budget_mb option, 512 MiB; AblationCAM: the reference's 32)."})
    String batchSize;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Method option, e.g."
            + " ratio_channels_to_ablate=0.5 or k=2.")
    Map<String, String> methodOptions = new HashMap<>();

    /** The methods, each once in the order given, with their options, checked; the flags apply to every method. */
    List<MethodChoice> choices(boolean eigenSmooth, boolean augSmooth, boolean allowNonFinite) {
        return new MethodRequest(MethodRequest.methods(methods), batchSize, eigenSmooth, augSmooth, allowNonFinite,
                methodOptions).choices(FieldNames.CLI);
    }
}
