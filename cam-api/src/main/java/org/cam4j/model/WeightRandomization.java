package org.cam4j.model;

/** The model-randomisation sanity check's copies of a network. */
public interface WeightRandomization {
    /**
     * The same network with the weights of its last {@code layers} parameterised layers (counted from the output)
     * replaced by random values of the same scale: the model-randomisation sanity check (Adebayo et al., NeurIPS
     * 2018). The caller closes the returned model.
     */
    ExplainableModel withRandomizedLayers(int layers, long seed);
}
