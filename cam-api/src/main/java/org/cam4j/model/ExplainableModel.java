package org.cam4j.model;

import org.cam4j.tensor.Layout;
import org.cam4j.tensor.TensorInfo;
import java.util.List;
import org.cam4j.model.Capability;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * An opened model that can be explained: forward passes that also return target-layer activations and the
 * gradients of the target scores. Activations and gradients are always N x C x h x w, whatever the model's
 * own layout (token models are folded into a grid by the backend).
 */
public interface ExplainableModel extends AutoCloseable {
    /** The model's image input (N x C x H x W or N x H x W x C; symbolic sizes are -1). */
    TensorInfo input();

    /** The output that is explained (targets score it). */
    TensorInfo output();

    /** Every output the model has, in its own order (a detector's boxes and scores); by default the one. */
    default List<TensorInfo> outputs() {
        return List.of(output());
    }

    /** Candidate target layers, in graph order. */
    List<LayerInfo> layers();

    /**
     * Whether an output is a softmax over its last axis, whose logits the backend can explain instead
     * ({@code outputs} setting {@code NAME:logits}, see {@link ModelOptions#OUTPUTS}).
     */
    default boolean outputIsSoftmax(String output) {
        return false;
    }

    /**
     * For a detector, the feature maps its prediction heads read (one per pyramid level, finest first): the target
     * layers {@code cam detect} suggests. Empty when unknown.
     */
    default List<String> detectorLevels() {
        return List.of();
    }

    /** Plain inference: the model output for a batch. */
    Tensor predict(Tensor input);

    /**
     * One pass that returns the output and, for every named layer, its activations and (when {@code gradients})
     * the gradient of the sum over images of each image's target score.
     *
     * @param targets one per image; {@link org.cam4j.targets.Targets#topClass()} is the image's top class (raw logit)
     */
    ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients);

    /**
     * Only the layers' activations, computing nothing past them (the prefix of the network); the result has no
     * output. For methods that need neither gradients nor target scores (EigenCAM, KPCA-CAM, FEM).
     */
    default ForwardResult activations(Tensor input, List<String> layers) {
        ForwardResult full = forward(input, layers, org.cam4j.targets.Targets.topClass(input.dim(0)), false);
        return new ForwardResult(null, full.activations(), full.gradients(), full.state());
    }

    /**
     * What one more image in a forward batch of images like {@code input} costs in memory: the peak bytes of the
     * tensors a forward pass keeps alive at once, per image; -1 when the backend cannot tell. Methods that run many
     * perturbed inputs size their batches by it ({@code batch_size: auto}).
     */
    default long activationBytesPerImage(Tensor input) {
        return -1;
    }

    /**
     * What this model can do beyond plain forward passes, from the capability interfaces it implements
     * ({@link HeadForward}, {@link InputGradients}, {@link SecondOrder}); gradients at layers and masked forward
     * passes ({@link MaskedForward#run}) every model gives.
     */
    default java.util.Set<Capability> capabilities() {
        java.util.Set<Capability> out = java.util.EnumSet.of(Capability.GRADIENTS, Capability.MASKED_FORWARD);
        if (this instanceof HeadForward) {
            out.add(Capability.HEAD_FORWARD);
        }
        if (this instanceof InputGradients) {
            out.add(Capability.INPUT_GRADIENTS);
        }
        if (this instanceof SecondOrder) {
            out.add(Capability.SECOND_ORDER);
        }
        return out;
    }

    /**
     * This model as one of its optional capabilities ({@link HeadForward}, {@link InputGradients},
     * {@link SecondOrder}, {@link WeightRandomization}).
     *
     * @throws UnsupportedOperationException naming the model and the capability it lacks
     */
    default <T> T capability(Class<T> type) {
        if (!type.isInstance(this)) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no "
                    + type.getSimpleName());
        }
        return type.cast(this);
    }

    @Override
    void close();
}
