/**
 * {@code FloatTensor} (NCHW float32), {@code TokenGrid} (VQ token indices) and {@code ValueRange}: the ground floor every
 * other package builds on.
 */
package org.eqvae4j.runtime.tensor;
