/**
 * Architectures as graph builders: the autoencoders ({@code AutoencoderArchitecture}: TAESD family incl. TAEF2,
 * LDM AutoencoderKL, the small KL and VQ models), registered by name in {@code Architectures}; the PatchGAN discriminator,
 * the Fashion-MNIST classifier, the flow-matching DiT; layers, initialisation and weight naming.
 */
package org.eqvae4j.export.arch;
