package org.cam4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.cam4j.target.Target;
import org.cam4j.target.Targets;
import org.cam4j.tensor.Tensor;

/**
 * Backend checks shared by the backends' tests (this module's test jar): a layer's gradient against central finite
 * differences of the target score through the model's head, for any {@link ExplainableModel}.
 */
public final class GradientChecks {
    private GradientChecks() {
    }

    /** Two images; the head run on the unchanged activations gives the forward pass's outputs; 20 random entries. */
    public static void layerGradientMatchesHeadDifferences(ExplainableModel model, String layer, List<Target> targets,
                                                           Tensor x) {
        ForwardResult r = model.forward(x, List.of(layer), targets, true);
        List<Target> resolved = Targets.resolve(targets, r.output());
        Tensor a = r.activation(layer);
        Tensor g = r.gradient(layer);
        assertThat(g.shape()).containsExactly(a.shape());
        int[] both = {0, 1};
        Tensor same = model.forwardHead(layer, a, both, r);
        assertThat(same.maxAbsDiff(r.output())).isLessThan(1e-5);
        Random rnd = new Random(3);
        for (int k = 0; k < 20; k++) {
            int j = rnd.nextInt(a.size());
            int image = j / (a.size() / 2);
            double h = 1e-2;
            Tensor plus = a.copy();
            plus.put(j, plus.at(j) + (float) h);
            Tensor minus = a.copy();
            minus.put(j, minus.at(j) - (float) h);
            double fd = (resolved.get(image).score(model.forwardHead(layer, plus, both, r).slice(image))
                    - resolved.get(image).score(model.forwardHead(layer, minus, both, r).slice(image))) / (2 * h);
            assertThat((double) g.at(j)).as("d score / d %s[%d] of %s", layer, j, java.util.Arrays.toString(a.shape()))
                    .isCloseTo(fd, within(2e-3 + 2e-2 * Math.abs(fd)));
        }
    }
}
