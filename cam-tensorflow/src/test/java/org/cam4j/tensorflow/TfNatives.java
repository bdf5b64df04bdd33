package org.cam4j.tensorflow;

import org.junit.jupiter.api.Assumptions;

/** TensorFlow tests skip, saying so, only where TensorFlow's native library cannot load on this machine. */
final class TfNatives {
    private static String failure;
    private static boolean checked;

    private TfNatives() {
    }

    static synchronized void assumeLoadable() {
        if (!checked) {
            checked = true;
            try {
                org.tensorflow.TensorFlow.version();
            } catch (Throwable e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        Assumptions.assumeTrue(failure == null, "TensorFlow's natives cannot load here: " + failure);
    }
}
