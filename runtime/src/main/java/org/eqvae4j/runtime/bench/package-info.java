/**
 * The inference benchmark ({@code eqvae bench-infer}): timing cases, peak RSS, the table, and
 * {@code PeerProcess}, which runs a PyTorch peer from bench/ and stops it with its children past its time limit.
 */
package org.eqvae4j.runtime.bench;
