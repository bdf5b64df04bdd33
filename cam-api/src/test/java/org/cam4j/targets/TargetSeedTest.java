package org.cam4j.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every target's seed is the derivative of its score: checked by central finite differences. */
class TargetSeedTest {
    private static final Tensor OUTPUT = Tensor.of(new float[] {0.3f, -1.2f, 2.0f, 0.7f}, 4);

    @Test
    void seedsAreScoreGradients() {
        Tensor concept = Tensor.of(new float[] {1f, 0.5f, -0.25f, 2f}, 4);
        for (Target t : List.of(new ClassifierOutputTarget(2), new SoftmaxTarget(1), new BinaryClassifierTarget(0),
                RawScoresTarget.allOnes(4), new SimilarityTarget(concept),
                new FinerTarget(2, List.of(0, 3, 1), 0.7), new ReStTarget(3), new SoftmaxOutputTarget())) {
            Tensor seed = t.seed(OUTPUT);
            for (int j = 0; j < 4; j++) {
                double h = 1e-3;
                Tensor plus = OUTPUT.copy();
                plus.put(j, plus.at(j) + (float) h);
                Tensor minus = OUTPUT.copy();
                minus.put(j, minus.at(j) - (float) h);
                double fd = (t.score(plus) - t.score(minus)) / (2 * h);
                assertThat((double) seed.at(j)).as("%s d/dy[%d]", t, j).isCloseTo(fd, within(1e-3));
            }
        }
    }

    @Test
    void reStIsTheLogitMinusTheCrossEntropy() {
        double logSumExp = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.0) + Math.exp(0.7));
        double crossEntropy = logSumExp - 0.7;
        assertThat(new ReStTarget(3).score(OUTPUT)).isCloseTo(0.7 - crossEntropy, within(1e-6));
        assertThat(Targets.custom("rest:3")).isEqualTo(new ReStTarget(3));
        assertThat(Targets.custom("softmax_output")).isEqualTo(new SoftmaxOutputTarget());
    }

    @Test
    void segmentationSeedIsTheMaskOnItsClass() {
        Tensor mask = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
        Tensor out = Tensor.zeros(3, 2, 2);
        Tensor seed = new SemanticSegmentationTarget(1, mask).seed(out);
        assertThat(seed.slice(1).toArray()).containsExactly(1f, 0f, 0f, 1f);
        assertThat(seed.slice(0).toArray()).containsOnly(0f);
    }

    @Test
    void nullTargetsResolveToTheTopClass() {
        Tensor outputs = Tensor.of(new float[] {0, 5, 1, 9, 0, 0}, 2, 3);
        List<Target> resolved = Targets.resolve(Targets.topClass(2), outputs);
        assertThat(resolved).containsExactly(new ClassifierOutputTarget(1), new ClassifierOutputTarget(0));
        assertThat(Targets.classes(2, List.of(7))).containsExactly(new ClassifierOutputTarget(7),
                new ClassifierOutputTarget(7));
    }
}
