/**
 * The training-step benchmark ({@code eqvae bench-train}): one autoencoder step timed on ONNX Runtime, beside
 * the PyTorch peer, as a table.
 */
package org.eqvae4j.training.bench;
