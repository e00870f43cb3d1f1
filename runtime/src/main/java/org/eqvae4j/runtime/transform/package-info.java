/**
 * Latent transforms tau (scale, rot90, flip, crop) and their image counterparts, PyTorch-exact resampling,
 * their separable matrix form, and the textual spec ({@code scale=0.5,rot=1}).
 */
package org.eqvae4j.runtime.transform;
