package example;

import com.google.auto.service.AutoService;
import java.util.Set;
import org.cam4j.math.CamOps;
import org.cam4j.model.Capability;
import org.cam4j.pipeline.WeightedCam;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.CamMethod;
import org.cam4j.spi.LayerData;
import org.cam4j.tensor.Tensor;

@AutoService(CamMethod.class)
public final class MyCam extends WeightedCam {
    public String name() { return "MyCAM"; }
    public Set<Capability> needs() { return Set.of(Capability.GRADIENTS); }
    public Tensor weights(LayerData layer, CamContext context) {      // N x C
        return CamOps.spatialMean(layer.requireGradients());
    }
}
