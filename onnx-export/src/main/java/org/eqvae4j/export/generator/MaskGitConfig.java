package org.eqvae4j.export.generator;

/**
 * A small bidirectional transformer over token grids (MaskGIT's generator).
 *
 * @param codebookSize K: token values 0..K-1, K is the mask token
 * @param height       token grid height
 * @param width        token grid width
 * @param classes      C conditioning classes; label C is the null class
 * @param dim          model width
 * @param depth        transformer blocks
 * @param heads        attention heads (dim must divide by it)
 * @param mlpRatio     MLP hidden width / dim
 */
public record MaskGitConfig(
        int codebookSize, int height, int width, int classes, int dim, int depth, int heads, int mlpRatio) {

    public MaskGitConfig {
        require(codebookSize >= 2, "codebookSize must be >= 2, got " + codebookSize);
        require(height >= 1 && width >= 1, "token grid must be at least 1x1, got " + height + "x" + width);
        require(classes >= 1, "classes must be >= 1, got " + classes);
        require(
                dim >= 1 && depth >= 1 && heads >= 1 && mlpRatio >= 1,
                "dim, depth, heads and mlpRatio must be positive");
        require(dim % heads == 0, "dim " + dim + " does not split into " + heads + " heads");
    }

    /** The CPU-sized generator of the experiments: width 64, 3 blocks, 4 heads, MLP x4. */
    public static MaskGitConfig small(int codebookSize, int height, int width, int classes) {
        return new MaskGitConfig(codebookSize, height, width, classes, 64, 3, 4, 4);
    }

    public int tokens() {
        return height * width;
    }

    public int maskToken() {
        return codebookSize;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
