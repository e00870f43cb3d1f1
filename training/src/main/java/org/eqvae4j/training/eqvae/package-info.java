/**
 * EQ-VAE fine-tuning (and VQ training from scratch): the trainer, its config, the per-step inputs and the
 * draw of tau.
 */
package org.eqvae4j.training.eqvae;
