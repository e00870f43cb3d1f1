package org.eqvae4j.runtime.image;

import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * An image file's pixels with what the file said about them.
 *
 * @param pixels [pages, channels, height, width], mapped to [0, 1] by {@code metadata.scaling()}
 */
public record ImageData(FloatTensor pixels, ImageMetadata metadata) {}
