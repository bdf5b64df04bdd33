/** One class per CAM method of pytorch-grad-cam, each a {@link org.cam4j.spi.CamMethod} plugin with its formula in the Javadoc; plus guided backpropagation and Deep Feature Factorization. */
package org.cam4j.methods;
