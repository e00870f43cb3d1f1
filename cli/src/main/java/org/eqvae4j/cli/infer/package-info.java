/**
 * Commands that run a shipped or trained bundle on images and latents: {@code encode}, {@code decode},
 * {@code transform}, {@code roundtrip}, {@code batch}, {@code sample} (flow-matching and MaskGIT generators) and
 * {@code demo} (the main job: export check plus round trips of the shipped autoencoders).
 */
package org.eqvae4j.cli.infer;
