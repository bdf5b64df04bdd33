package org.cam4j.methods;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.cam4j.spi.CamContext;
import org.cam4j.math.EigenProjection;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/**
 * Eigen-CAM (Muhammad and Yeasin, IJCNN 2020, arXiv:2008.00299): the activations, channel-centred, projected on
 * their first principal component. Needs no gradients and no target. Sign: see {@link EigenProjection}.
 */
@AutoService(CamMethod.class)
public final class EigenCam implements CamMethod {
    @Override
    public String name() {
        return "EigenCAM";
    }

    @Override
    public String description() {
        return "first principal component of the activations (no gradients)";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        return EigenProjection.project(layer.activations());
    }

    @Override
    public List<String> aliases() {
        return List.of("eigen");
    }
}
