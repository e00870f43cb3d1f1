/**
 * Folder batches: one operation (encode, decode, transform, round trip) over a folder tree with workers, skipping
 * finished outputs, with {@code summary.csv}; round trips of a folder with PSNR and their console summary
 * ({@code RoundTripBatch}, {@code RoundTripSummary}).
 */
package org.eqvae4j.runtime.batch;
