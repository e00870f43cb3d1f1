/**
 * Flow-matching generators on continuous latents: {@link org.eqvae4j.training.generator.flow.FlowMatchingTrainer}
 * trains a DiT ({@code org.eqvae4j.export.generator.DiT}) on a {@link org.eqvae4j.training.generator.flow.LatentCache}
 * of a frozen encoder's latents and exports a generator bundle; {@link org.eqvae4j.training.generator.flow.GeneratorExperiment}
 * is the paper's generator experiment at small scale (baseline vs EQ-VAE latents, FD-FMNIST-CNN over training), with
 * its report ({@link org.eqvae4j.training.generator.flow.GeneratorReport}, {@link org.eqvae4j.training.generator.flow.GeneratorCharts}).
 * Sampling is {@code org.eqvae4j.runtime.generator.FlowMatchingSampler}.
 */
package org.eqvae4j.training.generator.flow;
