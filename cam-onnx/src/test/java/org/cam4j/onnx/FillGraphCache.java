package org.cam4j.onnx;

import java.nio.file.Path;
import java.util.List;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Npy;

/**
 * A process of its own for {@link GraphCacheTest}: opens {@code MODEL} with the cache folder its
 * {@code -Dcam4j.cache} names, and writes the gradients at {@code LAYER} to {@code OUT.npy}.
 */
final class FillGraphCache {
    private FillGraphCache() {
    }

    public static void main(String[] args) {
        try (ExplainableModel m = new OnnxModel(Path.of(args[0]), ModelOptions.defaults())) {
            Npy.write(Path.of(args[2]), m.forward(GraphCacheTest.input(), List.of(args[1]), Targets.topClass(2), true)
                    .gradient(args[1]));
        }
    }
}
