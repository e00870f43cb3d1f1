package org.eqvae4j.runtime.metrics;

/**
 * How a VQ model uses its codebook over a set of token indices: the perplexity {@code exp(H(p))} of the
 * empirical index distribution p (K when every entry is equally used, 1 when one entry takes all) and
 * the fraction of the K entries used at least once.
 *
 * @param perplexity   exp of the entropy (natural log) of the index histogram
 * @param fractionUsed entries used at least once / K
 * @param tokens       number of indices counted
 */
public record CodebookUsage(double perplexity, double fractionUsed, long tokens) {

    /** Usage of a codebook of {@code codebookSize} entries by these indices; an index outside 0..K-1 is an error. */
    public static CodebookUsage of(long[] indices, int codebookSize) {
        if (codebookSize < 1) {
            throw new IllegalArgumentException("codebook size must be >= 1, got " + codebookSize);
        }
        if (indices.length == 0) {
            throw new IllegalArgumentException("no indices to count");
        }
        long[] counts = new long[codebookSize];
        for (int i = 0; i < indices.length; i++) {
            long k = indices[i];
            if (k < 0 || k >= codebookSize) {
                throw new IllegalArgumentException(
                        "index " + k + " at position " + i + " is outside the codebook 0.." + (codebookSize - 1));
            }
            counts[(int) k]++;
        }
        double entropy = 0;
        int used = 0;
        for (long c : counts) {
            if (c > 0) {
                used++;
                double p = (double) c / indices.length;
                entropy -= p * Math.log(p);
            }
        }
        return new CodebookUsage(Math.exp(entropy), (double) used / codebookSize, indices.length);
    }

    /** Same, for int indices. */
    public static CodebookUsage of(int[] indices, int codebookSize) {
        long[] l = new long[indices.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = indices[i];
        }
        return of(l, codebookSize);
    }
}
