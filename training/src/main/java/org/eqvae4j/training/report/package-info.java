/**
 * The fine-tuning report (Markdown + PNG: metrics side by side, loss curve, reconstructions, Figure 2, latent
 * PCA) with {@code TrainingReport.evaluateAndWrite} for {@code eqvae report} and {@code train --eval}; charts.
 */
package org.eqvae4j.training.report;
