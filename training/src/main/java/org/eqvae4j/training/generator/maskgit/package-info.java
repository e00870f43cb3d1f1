/**
 * MaskGIT generators on VQ tokens: {@link org.eqvae4j.training.generator.maskgit.TokenCache} holds a VQ bundle's
 * tokens of the training images, {@link org.eqvae4j.training.generator.maskgit.MaskGitTrainer} trains the
 * transformer ({@code org.eqvae4j.export.generator.MaskGitTransformer}) and exports a generator bundle, and
 * {@link org.eqvae4j.training.generator.maskgit.MaskGitExperiment} runs the discrete generator experiment (baseline vs
 * EQ-VAE VQ tokens) whose report {@link org.eqvae4j.training.generator.maskgit.MaskGitReport} writes.
 * Sampling is {@code org.eqvae4j.runtime.generator.MaskGitSampler}.
 */
package org.eqvae4j.training.generator.maskgit;
