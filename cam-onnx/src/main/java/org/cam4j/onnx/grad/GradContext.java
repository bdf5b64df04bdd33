package org.cam4j.onnx.grad;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cam4j.onnx.graph.Emitter;
import org.cam4j.onnx.graph.TensorFacts;

/**
 * What a rule can use: the emitter, static tensor facts, which inputs need gradients, which tensors' shapes or
 * integer values change with the pixels (their probed facts hold for the probe only), the guided-ReLU switch.
 */
public final class GradContext {
    private final Emitter emitter;
    private final TensorFacts facts;
    private final Set<String> active;
    private final Set<String> dataDependent;
    private final boolean guided;

    /** A context for one backward pass. */
    public GradContext(Emitter emitter, TensorFacts facts, Set<String> active, Set<String> dataDependent,
                       boolean guided) {
        this.emitter = emitter;
        this.facts = facts;
        this.active = active;
        this.dataDependent = dataDependent;
        this.guided = guided;
    }

    /** Where rules add their nodes. */
    public Emitter emit() {
        return emitter;
    }

    /** Probed shapes and constant values (never for data-dependent tensors, see {@link #dataDependent}). */
    public TensorFacts facts() {
        return facts;
    }

    /** True when {@code tensor} depends on a target tensor, so its gradient is wanted. */
    public boolean needs(String tensor) {
        return tensor != null && !tensor.isEmpty() && active.contains(tensor);
    }

    /**
     * True when the shape or the integer values of {@code tensor} may differ from image to image (computed from
     * NonZero, TopK's indices, NonMaxSuppression, ...): a rule reads them at run time, never from the probe.
     */
    public boolean dataDependent(String tensor) {
        return dataDependent.contains(tensor);
    }

    /** Guided backpropagation: ReLU passes only positive gradients at positive inputs. */
    public boolean guided() {
        return guided;
    }

    /** A list of {@code n} nulls with {@code grad} at position {@code index}. */
    public static List<String> only(int n, int index, String grad) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i == index ? grad : null);
        }
        return out;
    }

    /** Input gradients with {@code grad} for the node's first input and none for the others. */
    public static List<String> first(NodeProto node, String grad) {
        return only(node.getInputCount(), 0, grad);
    }

    /**
     * Sums a gradient shaped like {@code output} back to the shape of a broadcast {@code input}: over the extra
     * leading axes and the axes where the input has size 1.
     */
    public String unbroadcast(String grad, String input, String output) {
        long[] in = facts.shape(input);
        long[] out = facts.shape(output);
        int lead = out.length - in.length;
        List<Long> axes = new ArrayList<>();
        for (int a = 0; a < out.length; a++) {
            if (a < lead || (in[a - lead] == 1 && out[a] != 1)) {
                axes.add((long) a);
            }
        }
        if (axes.isEmpty()) {
            return grad;
        }
        String summed = emitter.reduceSum(grad, axes.stream().mapToLong(Long::longValue).toArray(), true);
        return emitter.reshapeLike(summed, input);
    }
}
