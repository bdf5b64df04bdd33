package org.cam4j.model;

/** What a CAM method needs from a model, and what a backend can give. */
public enum Capability {
    /** Gradients of the target score with respect to the target-layer activations. */
    GRADIENTS,
    /** Forward passes of the network's head, from (perturbed) target-layer activations to the output. */
    HEAD_FORWARD,
    /** Forward passes of masked copies of the input. */
    MASKED_FORWARD,
    /** Gradients of the target score with respect to the input (and to every bias, for FullGrad). */
    INPUT_GRADIENTS,
    /** Second-order products (Hessian times a vector) at the target layer. */
    SECOND_ORDER
}
