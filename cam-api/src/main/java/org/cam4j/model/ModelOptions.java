package org.cam4j.model;

/**
 * How to open a model.
 *
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param threads intra-op threads, 0 for the runtime's default
 * @param reshape token-to-grid rule for token layers: {@code null} or {@code auto} to infer, or
 *     {@code tokens:H,W[,SKIP]}
 */
public record ModelOptions(String device, int threads, String reshape) {
    public static ModelOptions defaults() {
        return new ModelOptions("cpu", 0, null);
    }

    public ModelOptions {
        if (device == null || device.isBlank()) {
            device = "cpu";
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /** The CUDA device index, or -1 for CPU. */
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
        throw new IllegalArgumentException("unknown device '" + device + "'; use cpu, cuda or cuda:N");
    }
}
