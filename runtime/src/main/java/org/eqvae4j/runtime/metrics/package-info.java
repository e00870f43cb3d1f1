/**
 * The EQ-VAE paper's measures (PSNR, SSIM, equivariance error, TwoNN intrinsic dimension, codebook usage), round trips
 * with their PSNR ({@code RoundTrip}), {@code AutoencoderEvaluation} over a set of images, and what metrics / results
 * print and write from it ({@code EvaluationImages}, {@code EvaluationText}, {@code ResultsTable}).
 */
package org.eqvae4j.runtime.metrics;
