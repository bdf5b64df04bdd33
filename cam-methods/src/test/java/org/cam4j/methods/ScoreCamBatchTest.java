package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ForwardResult;
import org.cam4j.model.ModelOptions;
import org.cam4j.onnx.OnnxBackend;
import org.cam4j.onnx.OnnxModel;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.LayerData;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ScoreCAM's automatic batch: sized by the model's per-image activation memory, and without effect on the weights. */
class ScoreCamBatchTest {
    @TempDir
    Path dir;

    /** The model, recording the number of masked inputs of every masked run. */
    private static ExplainableModel recording(ExplainableModel model, List<Integer> runs) {
        return (ExplainableModel) Proxy.newProxyInstance(ExplainableModel.class.getClassLoader(),
                new Class<?>[] {ExplainableModel.class, org.cam4j.model.MaskedForward.class}, (proxy, method, args) -> {
                    if (method.getName().equals("forwardMasked")) {
                        runs.add(((Tensor) args[1]).dim(0));
                    }
                    try {
                        return method.invoke(model, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theAutomaticBatchFillsTheMemoryBudgetAndGivesTheSameWeightsAsOneAtATime() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(5).toByteArray());
        Tensor x = TestInputs.gaussian(4, 8, 3, 16, 16);
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            List<Target> targets = Targets.classes(8, List.of(0, 1, 2, 3, 4, 0, 1, 2));
            ForwardResult f = model.forward(x, List.of(SyntheticModels.CNN_LAYER), targets, false);
            LayerData layer = new LayerData(SyntheticModels.CNN_LAYER, f.activation(SyntheticModels.CNN_LAYER), null);
            List<Integer> single = new ArrayList<>();
            Tensor oneAtATime = new ScoreCam().weights(layer, new CamContext(x, targets, f, recording(model, single),
                    CamOptions.defaults().withBatchSize(1)));
            assertThat(single).containsOnly(1);

            List<Integer> budgeted = new ArrayList<>();
            Tensor auto = new ScoreCam().weights(layer, new CamContext(x, targets, f, recording(model, budgeted),
                    CamOptions.defaults().withExtra(Map.of("memory_budget_mb", "1"))));
            long perInput = model.activationBytesPerImage(x) + 2L * 4 * 16 * 16;
            int expected = (int) ((1 << 20) / perInput);
            assertThat(expected).as("the budget binds: fewer than the 64 masked inputs per run").isBetween(2, 63);
            assertThat(budgeted.stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(expected);
            assertThat(budgeted.stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(single.stream().mapToInt(Integer::intValue).sum());

            List<Integer> roomy = new ArrayList<>();
            Tensor byDefault = new ScoreCam().weights(layer, new CamContext(x, targets, f, recording(model, roomy),
                    CamOptions.defaults()));
            assertThat(roomy.get(0)).as("512 MiB holds every masked input of this small model in one run")
                    .isEqualTo(single.size() - (roomy.size() - 1));
            assertThat(auto.maxAbsDiff(oneAtATime)).isLessThan(1e-6);
            assertThat(byDefault.maxAbsDiff(oneAtATime)).isLessThan(1e-6);
        }
    }
}
