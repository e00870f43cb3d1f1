/**
 * What the commands share: the picocli mixins for one bundle ({@link org.eqvae4j.cli.options.ModelOptions}: bundle,
 * tiling) and for where ONNX Runtime runs ({@link org.eqvae4j.cli.options.DeviceOptions}: provider, GPU, threads),
 * and the console {@link org.eqvae4j.cli.options.ProgressBar}.
 */
package org.eqvae4j.cli.options;
