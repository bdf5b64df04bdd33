package org.cam4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;
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
        layerGradientMatchesHeadDifferences(model, layer, targets, x, 0);
    }

    /**
     * The same, checking the {@code largest} entries of largest gradient magnitude first, then random ones (for
     * targets whose gradient is zero almost everywhere, such as one detection's score).
     */
    public static void layerGradientMatchesHeadDifferences(ExplainableModel model, String layer, List<Target> targets,
                                                           Tensor x, int largest) {
        ForwardResult r = model.forward(x, List.of(layer), targets, true);
        List<Target> resolved = Targets.resolve(targets, r.output());
        Tensor a = r.activation(layer);
        Tensor g = r.gradient(layer);
        assertThat(g.shape()).containsExactly(a.shape());
        int[] both = {0, 1};
        Tensor same = model.capability(HeadForward.class).forwardHead(layer, a, both, r);
        assertThat(same.maxAbsDiff(r.output())).isLessThan(1e-5);
        Random rnd = new Random(3);
        Integer[] order = new Integer[g.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Float.compare(Math.abs(g.at(q)), Math.abs(g.at(p))));
        if (largest > 0) {
            assertThat(Math.abs(g.at(order[0]))).as("a gradient to check at %s", layer).isGreaterThan(1e-6f);
        }
        for (int k = 0; k < 20 + largest; k++) {
            int j = k < largest ? order[k] : rnd.nextInt(a.size());
            int image = j / (a.size() / 2);
            double h = 1e-2;
            Tensor plus = a.copy();
            plus.put(j, plus.at(j) + (float) h);
            Tensor minus = a.copy();
            minus.put(j, minus.at(j) - (float) h);
            double fd = (resolved.get(image).score(model.capability(HeadForward.class).forwardHead(layer, plus, both, r).slice(image))
                    - resolved.get(image).score(model.capability(HeadForward.class).forwardHead(layer, minus, both, r).slice(image))) / (2 * h);
            assertThat((double) g.at(j)).as("d score / d %s[%d] of %s", layer, j, java.util.Arrays.toString(a.shape()))
                    .isCloseTo(fd, within(2e-3 + 2e-2 * Math.abs(fd)));
        }
    }
}
