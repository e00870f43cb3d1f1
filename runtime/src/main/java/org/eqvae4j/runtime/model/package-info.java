/**
 * Running an autoencoder bundle: {@code Autoencoder} (encode, decode, VQ indices; the bundle's value range applied
 * inside) and {@code LatentCodec}, the encode/decode view that tiling and batches work through. Sessions and their
 * options are in {@code runtime.ort}, generators in {@code runtime.generator}.
 */
package org.eqvae4j.runtime.model;
