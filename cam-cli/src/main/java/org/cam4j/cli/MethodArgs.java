package org.cam4j.cli;

import org.cam4j.engine.Limits;
import org.cam4j.engine.MethodOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.Methods;
import picocli.CommandLine.Option;

/** Which methods run and how, shared by cam explain and cam detect: names, perturbation batch, method options. */
final class MethodArgs {
    @Option(names = "--method", arity = "1..*", defaultValue = "GradCAM", paramLabel = "NAME",
            description = "CAM methods (see 'cam methods'). Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--batch-size", defaultValue = "auto", paramLabel = "K|auto",
            description = {"Perturbed inputs per run (ScoreCAM, AblationCAM). Default: ${DEFAULT-VALUE} (ScoreCAM: as many",
                "as fit in its memory_budget_mb option, 512 MiB; AblationCAM: the reference's 32)."})
    String batchSize;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Method option, e.g."
            + " ratio_channels_to_ablate=0.5 or k=2.")
    Map<String, String> methodOptions = new HashMap<>();

    private List<CamMethod> chosen;

    /** The methods, each once, in the order given (the same instances on every call: they key the options). */
    List<CamMethod> chosen() {
        if (chosen == null) {
            chosen = Methods.distinct(methods);
        }
        return chosen;
    }

    /** Each chosen method's options: the shared ones and its --option values, checked against its option names. */
    Map<CamMethod, CamOptions> options(boolean eigenSmooth, boolean augSmooth, boolean allowNonFinite) {
        int batch = Limits.batchSize(batchSize, "--batch-size");
        return MethodOptions.forEach(chosen(), methodOptions,
                new CamOptions(eigenSmooth, augSmooth, batch, Map.of(), allowNonFinite), "--option");
    }
}
