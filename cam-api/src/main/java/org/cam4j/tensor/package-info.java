/** A small dense float tensor (shape, row-major storage, cheap views), numpy {@code .npy} files and atomic file writes. */
package org.cam4j.tensor;
