/**
 * Training data: IDX files (Fashion-MNIST), image sets, random crops and a prefetcher.
 */
package org.eqvae4j.training.data;
