package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.model.InputGradients;
import org.cam4j.model.FullGradTerms;
import org.cam4j.tensor.Layout;
import org.cam4j.image.BilinearResize;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * FullGrad (Srinivas and Fleuret, NeurIPS 2019, arXiv:1905.00780): the input term |x * dS/dx| plus, for every
 * convolution and batch norm with a bias b, |b * dS/d(output)|; each channel map min-max scaled and resized to
 * the input size, all summed. Target layers are ignored (every biased op is used). Because resizing is linear,
 * each term's scaled channel maps are summed before one resize.
 */
@AutoService(CamMethod.class)
public final class FullGrad implements CamMethod {
    @Override
    public String name() {
        return "FullGrad";
    }

    @Override
    public String description() {
        return "input gradients plus bias gradients of every conv/batch-norm layer (ignores the target layer)";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.INPUT_GRADIENTS);
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        Tensor x = context.input();
        if (context.model().input().layout() == Layout.NHWC) {
            x = x.transpose(0, 3, 1, 2);
        }
        FullGradTerms terms = context.model().capability(InputGradients.class).fullGradTerms(context.input(), context.targets());
        Tensor dx = terms.inputGradient();
        if (context.model().input().layout() == Layout.NHWC) {
            dx = dx.transpose(0, 3, 1, 2);
        }
        int n = x.dim(0);
        int height = x.dim(2);
        int width = x.dim(3);
        Tensor total = scaledChannelSum(Elementwise.product(dx, x, false), null, height, width);
        for (FullGradTerms.Bias bias : terms.biases()) {
            Tensor t = scaledChannelSum(bias.gradient(), bias.bias(), height, width);
            for (int i = 0; i < total.size(); i++) {
                total.put(i, total.at(i) + t.at(i));
            }
        }
        return total.reshape(n, height, width);
    }

    /** sum_c resize(scale(|b_c * t_c|)) for N x C x h x w terms ({@code bias} null: |t_c|). */
    private static Tensor scaledChannelSum(Tensor term, float[] bias, int height, int width) {
        int n = term.dim(0);
        int c = term.dim(1);
        int h = term.dim(2);
        int w = term.dim(3);
        Tensor maps = Tensor.zeros(n * c, h, w);
        for (int i = 0; i < maps.size(); i++) {
            float b = bias == null ? 1f : bias[(i / (h * w)) % c];
            maps.put(i, Math.abs(b * term.at(i)));
        }
        Tensor scaled = CamOps.scale(maps, 0, 0);
        Tensor out = Tensor.zeros(n, height, width);
        for (int i = 0; i < n; i++) {
            Tensor sum = Tensor.zeros(h, w);
            for (int ch = 0; ch < c; ch++) {
                Tensor m = scaled.slice(i * c + ch);
                for (int p = 0; p < sum.size(); p++) {
                    sum.put(p, sum.at(p) + m.at(p));
                }
            }
            out.slice(i).copyFrom(BilinearResize.resize(sum, height, width));
        }
        return out;
    }

    @Override
    public List<String> aliases() {
        return List.of("fullgrad-cam");
    }
}
