/** Every target type in one place: what score of the model output is explained, and its derivative that seeds the backward pass. */
package org.cam4j.targets;
