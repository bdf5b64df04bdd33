package org.cam4j.methods;

import java.util.List;
import org.cam4j.model.InputGradients;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Layout;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * Guided backpropagation (Springenberg et al., ICLR-W 2015) and Guided Grad-CAM (Selvaraju et al.): the input
 * gradient with every ReLU passing only positive gradients at positive inputs, as N x H x W x C; Guided Grad-CAM
 * multiplies it by the CAM. {@link #deprocess} is the reference's {@code deprocess_image} for viewing.
 */
public final class GuidedBackprop {
    private GuidedBackprop() {
    }

    /** N x H x W x C guided gradients. */
    public static Tensor compute(ExplainableModel model, Tensor input, List<Target> targets) {
        Tensor g = model.capability(InputGradients.class).inputGradient(input, targets, true);
        return model.input().layout() == Layout.NHWC ? g : g.transpose(0, 2, 3, 1);
    }

    /** H x W x C guided gradients times an H x W CAM. */
    public static Tensor guidedGradCam(Tensor guided, Tensor cam) {
        Tensor out = guided.copy();
        int c = guided.dim(2);
        for (int i = 0; i < out.size(); i++) {
            out.put(i, out.at(i) * cam.at(i / c));
        }
        return out;
    }

    /** (x - mean) / (std + 1e-5) * 0.1 + 0.5, clipped to [0, 1], times 255 truncated: H x W x C values 0..255. */
    public static Tensor deprocess(Tensor image) {
        double mean = 0;
        for (int i = 0; i < image.size(); i++) {
            mean += image.at(i);
        }
        mean /= image.size();
        double var = 0;
        for (int i = 0; i < image.size(); i++) {
            var += (image.at(i) - mean) * (image.at(i) - mean);
        }
        double std = Math.sqrt(var / image.size());
        Tensor out = Tensor.zeros(image.shape());
        for (int i = 0; i < out.size(); i++) {
            double v = (image.at(i) - mean) / (std + 1e-5) * 0.1 + 0.5;
            out.put(i, (int) (255 * Math.max(0, Math.min(1, v))));
        }
        return out;
    }
}
