package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.CamOps;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.spi.Methods;
import org.cam4j.tensor.Tensor;

/**
 * Refine-CAM (arXiv:2605.14641): a base method (option {@code base_method}, default GradCAMPlusPlus) run on each
 * target layer alone; the final CAM is the product over layers of those single-layer CAMs, min-max scaled. Deep
 * layers localise, shallow ones add detail, the product keeps what both show. As in the reference, the per-layer
 * maps enter the product as the single-layer CAMs (its "normalise each layer" loop rebinds a loop variable and
 * changes nothing).
 */
@AutoService(CamMethod.class)
public final class RefineCam implements CamMethod {
    static final String BASE_METHOD = "base_method";

    @Override
    public String name() {
        return "RefineCAM";
    }

    @Override
    public String description() {
        return "product over layers of a base method's single-layer CAMs";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of(Capability.GRADIENTS);
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(BASE_METHOD);
    }

    @Override
    public boolean supportsEigenSmooth() {
        return true;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        CamMethod base = Methods.get(context.options().extra().getOrDefault(BASE_METHOD, "GradCAMPlusPlus"));
        if (base instanceof RefineCam) {
            throw new IllegalArgumentException("RefineCAM's base_method cannot be RefineCAM itself");
        }
        if (!context.model().capabilities().containsAll(base.needs())) {
            throw new IllegalArgumentException("RefineCAM's base method " + base.name() + " needs " + base.needs()
                    + ", which this model's backend does not provide");
        }
        return base.camImage(layer, context);
    }

    /** prod_l CAM_l, then scaled, where CAM_l is the single-layer CAM of layer l (ReLU, mean of one, scaling). */
    @Override
    public Tensor aggregate(List<Tensor> perLayer) {
        Tensor product = null;
        for (Tensor layer : perLayer) {
            Tensor cam = CamOps.aggregate(List.of(layer));
            if (product == null) {
                product = cam;
            } else {
                for (int i = 0; i < product.size(); i++) {
                    product.put(i, product.at(i) * cam.at(i));
                }
            }
        }
        return CamOps.scale(product, 0, 0);
    }
}
