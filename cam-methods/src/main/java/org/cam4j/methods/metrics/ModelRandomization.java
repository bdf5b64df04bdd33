package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import java.util.Arrays;
import org.cam4j.model.WeightRandomization;
import org.cam4j.metrics.MetricContext;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.Cam;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;

/**
 * The model-parameter randomisation sanity check (Adebayo et al., NeurIPS 2018, arXiv:1810.03292): the weights of
 * the last {@code stages} parameterised layers (option, default 1; counted from the output) are replaced by random
 * values, the maps recomputed with the same method, layers and targets, and the Spearman rank correlation with the
 * original maps reported per image. A method that explains the model must change (low values); one that ignores it
 * (an edge detector) stays at 1.
 */
@AutoService(CamMetric.class)
public final class ModelRandomization implements CamMetric {
    @Override
    public String name() {
        return "ModelRandomization";
    }

    @Override
    public String description() {
        return "Spearman r between the maps and the maps of a model with randomised top layers; lower = faithful";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        Cam explainer = context.explainer();
        if (explainer == null) {
            throw new IllegalArgumentException("ModelRandomization recomputes the maps; it needs the CAM method they"
                    + " came from");
        }
        int stages = (int) context.option("stages", 1);
        try (ExplainableModel randomised = context.model().capability(WeightRandomization.class).withRandomizedLayers(stages, context.seed());
             Cam cam = new Cam(randomised, explainer.method(), explainer.layers(), explainer.options())) {
            Tensor maps = cam.compute(context.input(), context.targets()).cams();
            double[] out = new double[maps.dim(0)];
            for (int i = 0; i < out.length; i++) {
                out[i] = spearman(context.cams().slice(i), maps.slice(i));
            }
            return out;
        }
    }

    /** Pearson correlation of the ranks (ties share their mean rank); 1 where both maps are constant. */
    static double spearman(Tensor a, Tensor b) {
        Tensor ra = Tensor.of(ranks(a.toArray()), a.size());
        Tensor rb = Tensor.of(ranks(b.toArray()), b.size());
        if (ra.max() == ra.min() && rb.max() == rb.min()) {
            return 1;
        }
        if (ra.max() == ra.min() || rb.max() == rb.min()) {
            return 0;
        }
        return ra.pearson(rb);
    }

    private static float[] ranks(float[] v) {
        Integer[] order = new Integer[v.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Float.compare(v[x], v[y]));
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            float mean = (i + j) / 2f;
            for (int k = i; k <= j; k++) {
                r[order[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }
}
