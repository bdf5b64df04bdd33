package org.cam4j.cli;

import java.util.Set;
import java.util.concurrent.CancellationException;
import org.cam4j.spi.CamContext;
import org.cam4j.spi.LayerData;
import org.cam4j.spi.CamMethod;
import org.cam4j.model.Capability;
import org.cam4j.tensor.Tensor;

/** A test method that takes {@code millis} (option, default 400) and honours cancellation: the server's slow request. */
public final class SleepCam implements CamMethod {
    @Override
    public String name() {
        return "TestSleepCAM";
    }

    @Override
    public Set<Capability> needs() {
        return Set.of();
    }

    @Override
    public Set<String> optionNames() {
        return Set.of("millis");
    }

    @Override
    public boolean supportsEigenSmooth() {
        return false;
    }

    @Override
    public Tensor camImage(LayerData layer, CamContext context) {
        try {
            Thread.sleep((long) context.options().number("millis", 400));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("cancelled");
        }
        Tensor a = layer.activations();
        return Tensor.zeros(a.dim(0), a.dim(2), a.dim(3));
    }
}
