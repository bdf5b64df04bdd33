package org.cam4j.targets;

import org.cam4j.tensor.Tensor;

/**
 * Cosine similarity of the output embedding to a concept embedding: score = &lt;y, c&gt; / (|y| |c|);
 * d score / d y = c / (|y| |c|) - score * y / |y|^2. The reference's {@code SimilarityToConceptTarget}.
 */
public record SimilarityTarget(Tensor concept) implements Target {
    @Override
    public double score(Tensor output) {
        return dot(output, concept) / (norm(output) * norm(concept) + 1e-12);
    }

    @Override
    public Tensor seed(Tensor output) {
        double ny = norm(output);
        double nc = norm(concept);
        double s = score(output);
        Tensor g = Tensor.zeros(output.shape());
        for (int i = 0; i < g.size(); i++) {
            g.put(i, (float) (concept.at(i) / (ny * nc + 1e-12) - s * output.at(i) / (ny * ny + 1e-12)));
        }
        return g;
    }

    private static double dot(Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            b.requireShape(a.shape());
        }
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.at(i) * b.at(i);
        }
        return s;
    }

    private static double norm(Tensor a) {
        return Math.sqrt(dot(a, a));
    }
}
