/** What a backend gives methods: an {@link org.cam4j.model.ExplainableModel} with forward passes that return activations and gradients (always N x C x h x w), head and masked passes, input gradients. */
package org.cam4j.model;
