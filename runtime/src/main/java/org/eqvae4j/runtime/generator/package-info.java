/**
 * The generator wing of the runtime: drawing latents from a bundle's generator. {@link
 * org.eqvae4j.runtime.generator.FlowMatchingSampler} integrates a flow-matching velocity model (continuous latents,
 * {@link org.eqvae4j.runtime.generator.Solver} Euler or Heun), {@link org.eqvae4j.runtime.generator.MaskGitSampler}
 * decodes VQ tokens iteratively ({@link org.eqvae4j.runtime.generator.MaskSchedule}, shared with the trainer), and
 * {@link org.eqvae4j.runtime.generator.LatentSampler} decides which one a bundle needs. Their counterparts: the
 * graphs in {@code org.eqvae4j.export.generator}, the trainers in {@code org.eqvae4j.training.generator}.
 * Depends on bundle, model, ort and tensor; nothing in the runtime depends on it.
 */
package org.eqvae4j.runtime.generator;
