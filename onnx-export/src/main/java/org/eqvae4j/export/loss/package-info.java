/**
 * Loss graphs attached to a model output for {@code eqvae artifacts}: MSE, L1 and cross-entropy.
 */
package org.eqvae4j.export.loss;
