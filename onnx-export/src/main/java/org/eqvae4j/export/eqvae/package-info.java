/**
 * The EQ-VAE objective as one graph: reconstruction of x and of tau(x) from tau(E(x)), KL, perceptual and
 * adversarial terms with their weights ({@code EqVaeLoss}, {@code AdversarialLoss}, {@code EqVaeObjective}).
 */
package org.eqvae4j.export.eqvae;
