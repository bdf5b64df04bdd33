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
    /**
     * The model's image input.
     *
     * @return its name, shape (N x C x H x W or N x H x W x C; symbolic sizes are -1) and layout
     */
    TensorInfo input();

    /**
     * The output that is explained (targets score it).
     *
     * @return its name, shape and layout
     */
    TensorInfo output();

    /**
     * Every output the model has, in its own order (a detector's boxes and scores).
     *
     * @return the outputs, by default the explained one alone
     */
    default List<TensorInfo> outputs() {
        return List.of(output());
    }

    /**
     * Candidate target layers, in graph order.
     *
     * @return every layer a CAM can be computed at, the suggested one marked
     */
    List<LayerInfo> layers();

    /**
     * Whether an output is a softmax over its last axis, whose logits the backend can explain instead
     * ({@code outputs} setting {@code NAME:logits}, see {@link ModelOptions#OUTPUTS}).
     *
     * @param output an output's name
     * @return false by default
     */
    default boolean outputIsSoftmax(String output) {
        return false;
    }

    /**
     * For a detector, the feature maps its prediction heads read (one per pyramid level, finest first): the target
     * layers {@code cam detect} suggests. Empty when unknown.
     *
     * @return the levels' tensor names, empty by default
     */
    default List<String> detectorLevels() {
        return List.of();
    }

    /**
     * Plain inference.
     *
     * @param input a batch laid out as {@link #input()} says
     * @return the explained output for the batch, batch axis first
     */
    Tensor predict(Tensor input);

    /**
     * One pass that returns the output and, for every named layer, its activations and (when {@code gradients})
     * the gradient of the sum over images of each image's target score.
     *
     * @param input a batch laid out as {@link #input()} says
     * @param layers target layers (tensor names, node names or PyTorch module paths)
     * @param targets one per image; {@link org.cam4j.targets.Targets#topClass()} is the image's top class (raw logit)
     * @param gradients whether to compute the gradients too
     * @return the output, and per layer its activations and gradients, N x C x h x w
     */
    ForwardResult forward(Tensor input, List<String> layers, List<Target> targets, boolean gradients);

    /**
     * Only the layers' activations, computing nothing past them (the prefix of the network); the result has no
     * output. For methods that need neither gradients nor target scores (EigenCAM, KPCA-CAM, FEM).
     *
     * @param input a batch laid out as {@link #input()} says
     * @param layers target layers
     * @return per layer its activations, N x C x h x w
     */
    default ForwardResult activations(Tensor input, List<String> layers) {
        ForwardResult full = forward(input, layers, org.cam4j.targets.Targets.topClass(input.dim(0)), false);
        return new ForwardResult(null, full.activations(), full.gradients(), full.state());
    }

    /**
     * What one more image in a forward batch of images like {@code input} costs in memory: the peak bytes of the
     * tensors a forward pass keeps alive at once, per image; -1 when the backend cannot tell. Methods that run many
     * perturbed inputs size their batches by it ({@code batch_size: auto}).
     *
     * @param input a batch of the size the method will run
     * @return bytes per image, or -1
     */
    default long activationBytesPerImage(Tensor input) {
        return -1;
    }

    /**
     * What this model can do beyond plain forward passes, from the capability interfaces it implements
     * ({@link HeadForward}, {@link InputGradients}, {@link SecondOrder}); gradients at layers and masked forward
     * passes ({@link MaskedForward#run}) every model gives.
     *
     * @return the capabilities
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
     * @param <T> the capability's interface
     * @param type the capability's interface
     * @return this model, as that interface
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
