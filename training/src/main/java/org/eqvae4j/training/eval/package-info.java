/**
 * Scoring generated images: the Fashion-MNIST classifier (trainer and features) and the Frechet distance
 * (FD-FMNIST-CNN).
 */
package org.eqvae4j.training.eval;
