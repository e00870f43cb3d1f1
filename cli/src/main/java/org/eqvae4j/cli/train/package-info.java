/**
 * Commands that train and write a new bundle: {@code train} (EQ-VAE fine-tuning), {@code train-generator}
 * (flow-matching DiT), {@code train-classifier} (the FD-FMNIST-CNN feature network), {@code train-vq} (VQ autoencoder)
 * and {@code train-maskgit} (MaskGIT on VQ tokens).
 */
package org.eqvae4j.cli.train;
