package org.cam4j.onnx;

import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cam4j.model.ModelOptions;
import org.cam4j.model.Capability;
import org.cam4j.spi.ModelBackend;

/** ONNX models on ONNX Runtime (CPU, or CUDA with the {@code -Pgpu} build), with cam4j's own autodiff. */
@AutoService(ModelBackend.class)
public final class OnnxBackend implements ModelBackend {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public List<String> aliases() {
        return List.of("onnxruntime", "ort");
    }

    @Override
    public String description() {
        return "ONNX models on ONNX Runtime; gradients from cam4j's reverse-mode autodiff";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.GRADIENTS, Capability.HEAD_FORWARD, Capability.MASKED_FORWARD,
                Capability.INPUT_GRADIENTS, Capability.SECOND_ORDER);
    }

    @Override
    public boolean canOpen(Path model) {
        return model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public String runtime() {
        return org.cam4j.onnx.runtime.OrtRunner.runtime();
    }

    @Override
    public OnnxModel open(Path model, ModelOptions options) {
        return new OnnxModel(model, options);
    }
}
