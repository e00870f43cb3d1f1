/**
 * Pictures for reports: image grids and latents as colour (top-3 PCA).
 */
package org.eqvae4j.runtime.visual;
