/**
 * What the commands share: the picocli mixins for one bundle ({@link org.eqvae4j.cli.options.ModelOptions}: bundle,
 * tiling), for where ONNX Runtime runs ({@link org.eqvae4j.cli.options.DeviceOptions}: provider, GPU, threads) and
 * for how long and how fast a trainer runs ({@link org.eqvae4j.cli.options.RunOptions}: steps, batch, learning rate,
 * warm-up, seed, checkpoint interval), and the console {@link org.eqvae4j.cli.options.ProgressBar}.
 */
package org.eqvae4j.cli.options;
