package org.cam4j.methods.metrics;

import com.google.auto.service.AutoService;
import org.cam4j.metrics.MetricContext;
import org.cam4j.metrics.CamMetric;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * Coherency (arXiv:2104.10252): (r + 1) / 2 with r the Pearson correlation between the map and the map the same
 * method gives for the image multiplied by it (ddof 1, eps 1e-8, as the reference); higher = more stable.
 */
@AutoService(CamMetric.class)
public final class Coherency implements CamMetric {
    @Override
    public String name() {
        return "Coherency";
    }

    @Override
    public String description() {
        return "(r + 1) / 2 between the map and the map of the image times it; higher = more stable";
    }

    @Override
    public double[] evaluate(MetricContext context) {
        if (context.explainer() == null) {
            throw new InvalidInputException("Coherency recomputes the maps; it needs the CAM method they came from");
        }
        Tensor mixed = Perturbations.perturbed(context, Perturbations::multiply);
        Tensor mixedCams = context.explainer().compute(mixed, context.targets()).cams();
        double[] out = new double[mixed.dim(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pearson(mixedCams.slice(i), context.cams().slice(i)) + 1) / 2;
        }
        return out;
    }

    /** The reference's batch_pearson_coherency for one pair: cov / (std_a std_b + 1e-8), ddof 1. */
    static double pearson(Tensor a, Tensor b) {
        int n = a.size();
        double ma = 0;
        double mb = 0;
        for (int k = 0; k < n; k++) {
            ma += a.at(k);
            mb += b.at(k);
        }
        ma /= n;
        mb /= n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int k = 0; k < n; k++) {
            cov += (a.at(k) - ma) * (b.at(k) - mb);
            va += (a.at(k) - ma) * (a.at(k) - ma);
            vb += (b.at(k) - mb) * (b.at(k) - mb);
        }
        return (cov / (n - 1)) / (Math.sqrt(va / (n - 1)) * Math.sqrt(vb / (n - 1)) + 1e-8);
    }
}
