/**
 * Latent files ({@code *.latent.tif}): a latent with the header that names the bundle which made it.
 */
package org.eqvae4j.runtime.latent;
