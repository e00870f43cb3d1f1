/**
 * Encoding and decoding large images tile by tile with a halo ({@code TileLayout}, {@code TiledAutoencoder}),
 * matching the untiled result within the bundle's tolerance.
 */
package org.eqvae4j.runtime.tiling;
