package org.cam4j.model;

import java.util.List;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/** Gradients with respect to the model input (guided backprop, FullGrad's input and bias terms). */
public interface InputGradients {
    /**
     * Gradient of the target scores with respect to the input (same shape as the input); {@code guided} uses
     * guided backpropagation (ReLU passes only positive gradients at positive inputs).
     *
     * @param input the batch
     * @param targets one per image
     * @param guided whether to backpropagate guided
     * @return d(score)/d(input), shaped like the input
     */
    Tensor inputGradient(Tensor input, List<Target> targets, boolean guided);

    /**
     * FullGrad's terms: the input gradient, and for every convolution or normalisation with a bias, the bias and
     * the gradient with respect to that op's output.
     *
     * @param input the batch
     * @param targets one per image
     * @return the input gradient and the bias terms
     */
    FullGradTerms fullGradTerms(Tensor input, List<Target> targets);
}
