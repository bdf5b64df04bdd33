package org.cam4j.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

/**
 * ScoreCAM's optional channel preselection: the top-N channels by variance, and their weights equal the full
 * ScoreCAM weights renormalised over them (a softmax restricted to a subset is the renormalised full softmax).
 */
class FasterScoreCamTest {
    @TempDir
    Path dir;

    @Test
    void preselectedWeightsAreTheFullWeightsRenormalisedOverTheTopVarianceChannels() throws Exception {
        Path file = Files.write(dir.resolve("cnn.onnx"), SyntheticModels.cnn(5).toByteArray());
        Tensor x = TestInputs.gaussian(9, 2, 3, 16, 16);
        try (OnnxModel model = new OnnxBackend().open(file, ModelOptions.defaults())) {
            List<Target> targets = Targets.classes(2, List.of(1, 3));
            ForwardResult f = model.forward(x, List.of(SyntheticModels.CNN_LAYER), targets, false);
            LayerData layer = new LayerData(SyntheticModels.CNN_LAYER, f.activation(SyntheticModels.CNN_LAYER), null);
            Tensor full = new ScoreCam().weights(layer, new CamContext(x, targets, f, model, CamOptions.defaults()));
            Tensor all = new ScoreCam().weights(layer, new CamContext(x, targets, f, model,
                    CamOptions.defaults().withExtra(Map.of("top_channels", "8"))));
            assertThat(all.maxAbsDiff(full)).isZero();
            Tensor top3 = new ScoreCam().weights(layer, new CamContext(x, targets, f, model,
                    CamOptions.defaults().withExtra(Map.of("top_channels", "3"))));
            boolean[] selected = ScoreCam.selectChannels(layer.activations(), 3);
            for (int i = 0; i < 2; i++) {
                double subset = 0;
                int count = 0;
                for (int c = 0; c < 8; c++) {
                    if (selected[i * 8 + c]) {
                        subset += full.at(i * 8 + c);
                        count++;
                    }
                }
                assertThat(count).isEqualTo(3);
                for (int c = 0; c < 8; c++) {
                    double expected = selected[i * 8 + c] ? full.at(i * 8 + c) / subset : 0;
                    assertThat((double) top3.at(i * 8 + c)).isCloseTo(expected,
                            org.assertj.core.api.Assertions.within(1e-5));
                }
                double minSelected = Double.MAX_VALUE;
                double maxOther = -1;
                for (int c = 0; c < 8; c++) {
                    double v = variance(layer.activations().slice(i).slice(c));
                    if (selected[i * 8 + c]) {
                        minSelected = Math.min(minSelected, v);
                    } else {
                        maxOther = Math.max(maxOther, v);
                    }
                }
                assertThat(minSelected).isGreaterThanOrEqualTo(maxOther);
            }
        }
    }

    private static double variance(Tensor plane) {
        double mean = 0;
        for (int p = 0; p < plane.size(); p++) {
            mean += plane.at(p);
        }
        mean /= plane.size();
        double v = 0;
        for (int p = 0; p < plane.size(); p++) {
            v += (plane.at(p) - mean) * (plane.at(p) - mean);
        }
        return v / plane.size();
    }
}
