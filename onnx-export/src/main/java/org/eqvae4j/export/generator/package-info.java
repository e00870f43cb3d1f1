/**
 * The generator wing of the exporter: latent generators as ONNX graphs. {@link org.eqvae4j.export.generator.DiT}
 * is the class-conditional flow-matching velocity model over continuous latents,
 * {@link org.eqvae4j.export.generator.MaskGitTransformer} the MaskGIT token generator over a VQ model's codebook
 * indices (with its training objective). They are sampled by {@code org.eqvae4j.runtime.generator} and trained by
 * {@code org.eqvae4j.training.generator}.
 */
package org.eqvae4j.export.generator;
