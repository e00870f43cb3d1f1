/**
 * A bundle as bioimage.io model packages (format 0.5): the encoder and the decoder as two packages, each with
 * {@code rdf.yaml}, its ONNX graph and sha256, {@code .npy} test tensors ({@code Npy}), preprocessing that maps images
 * to the model's value range ({@code Preprocessing}), covers, licence and citations ({@code ModelSources}).
 */
package org.eqvae4j.export.bioimageio;
