package org.cam4j.model;

import org.cam4j.errors.InvalidInputException;

/**
 * How to open a model.
 *
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param threads intra-op threads, 0 for the runtime's default
 * @param reshape token-to-grid rule for token layers: {@code null} or {@code auto} to infer, or
 *     {@code tokens:H,W[,SKIP]}
 * @param inplaceReluView when a target layer's only consumer is a ReLU, methods see the activations after it
 *     (gradients stay those of the layer). This is what pytorch-grad-cam shows for PyTorch models whose forward
 *     applies an in-place ReLU to the layer's output, such as DenseNet's {@code F.relu(features, inplace=True)}
 *     after {@code features[-1]}: its hook keeps a tensor the in-place ReLU then overwrites.
 * @param backend backend-specific settings by name (the TensorFlow backend's {@code tag} and {@code signature},
 *     {@link #OUTPUTS})
 */
public record ModelOptions(String device, int threads, String reshape, boolean inplaceReluView,
                           java.util.Map<String, String> backend) {
    /**
     * Backend setting naming the output(s) to explain, comma-separated: one output, or several joined along their
     * last axis (a detector's boxes and scores); {@code NAME:logits} takes the logits before the Softmax that makes
     * that output. Default: the first output. The ONNX backend reads it.
     */
    public static final String OUTPUTS = "outputs";

    /**
     * Options without backend-specific settings.
     *
     * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
     * @param threads intra-op threads, 0 for the runtime's default
     * @param reshape token-to-grid rule, null for automatic
     * @param inplaceReluView whether methods see an in-place ReLU's output
     */
    public ModelOptions(String device, int threads, String reshape, boolean inplaceReluView) {
        this(device, threads, reshape, inplaceReluView, java.util.Map.of());
    }

    /**
     * Options without backend-specific settings, methods seeing an in-place ReLU's output.
     *
     * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
     * @param threads intra-op threads, 0 for the runtime's default
     * @param reshape token-to-grid rule, null for automatic
     */
    public ModelOptions(String device, int threads, String reshape) {
        this(device, threads, reshape, true);
    }

    /**
     * CPU, the runtime's own thread count, automatic token reshape, in-place ReLU view.
     *
     * @return the default options
     */
    public static ModelOptions defaults() {
        return new ModelOptions("cpu", 0, null, true);
    }

    /**
     * A backend-specific setting, or {@code fallback}.
     *
     * @param key the setting's name
     * @param fallback the value when it is not set
     * @return the value
     */
    public String backendOption(String key, String fallback) {
        return backend.getOrDefault(key, fallback);
    }

    /** Defaults a missing device to the CPU and refuses a negative thread count. */
    public ModelOptions {
        if (device == null || device.isBlank()) {
            device = "cpu";
        }
        backend = backend == null ? java.util.Map.of() : java.util.Map.copyOf(backend);
        if (threads < 0) {
            throw new InvalidInputException("threads must be >= 0, got " + threads);
        }
    }

    /**
     * The CUDA device index, or -1 for CPU.
     *
     * @return the device index
     */
    public int cudaDevice() {
        if (device.equals("cpu")) {
            return -1;
        }
        if (device.equals("cuda")) {
            return 0;
        }
        if (device.startsWith("cuda:")) {
            try {
                return Integer.parseInt(device.substring(5));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new InvalidInputException("unknown device '" + device + "'; use cpu, cuda or cuda:N");
    }
}
