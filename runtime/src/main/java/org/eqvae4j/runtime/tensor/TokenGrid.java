package org.eqvae4j.runtime.tensor;

import java.util.Arrays;

/**
 * Codebook indices of a VQ model, [N, h, w] row-major: what a VQ encoder gives, a MaskGIT generator
 * draws and the codebook graph turns back into latent vectors.
 */
public record TokenGrid(int count, int height, int width, int[] tokens) {

    public TokenGrid {
        if (count < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "token grid must have a positive size, got " + count + "x" + height + "x" + width);
        }
        if ((long) count * height * width != tokens.length) {
            throw new IllegalArgumentException("token grid " + count + "x" + height + "x" + width + " needs "
                    + (long) count * height * width + " tokens, got " + tokens.length);
        }
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Token {@code i} of sample {@code n} (row-major position). */
    public int get(int n, int i) {
        return tokens[n * height * width + i];
    }

    /** Sample n alone. */
    public TokenGrid sample(int n) {
        int l = height * width;
        return new TokenGrid(1, height, width, Arrays.copyOfRange(tokens, n * l, (n + 1) * l));
    }

    /** The tokens as int64, the ONNX models' index type. */
    public long[] toLongs() {
        long[] l = new long[tokens.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = tokens[i];
        }
        return l;
    }

    /** Checks every token against a codebook of {@code size} entries, naming the first one outside it. */
    public TokenGrid requireBelow(int size) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= size) {
                throw new IllegalArgumentException(
                        "token " + tokens[i] + " at position " + i + " is outside the codebook 0.." + (size - 1));
            }
        }
        return this;
    }
}
