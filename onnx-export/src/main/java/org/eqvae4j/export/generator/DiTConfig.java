package org.eqvae4j.export.generator;

/**
 * Geometry of a {@link DiT} latent generator.
 *
 * @param latentChannels channels C of the latent it generates
 * @param latentSize     side h = w of the (square) latent, a multiple of {@code patchSize}
 * @param patchSize      side p of the patches that become tokens (tokens = (h/p)^2)
 * @param hidden         token width D, a multiple of {@code heads} and even (for the 2-D sin-cos positions, a
 *                       multiple of 4)
 * @param depth          number of adaLN-Zero transformer blocks
 * @param heads          attention heads
 * @param mlpRatio       MLP width / D
 * @param numClasses     conditioning classes; class index {@code numClasses} is the null class of
 *                       classifier-free guidance
 * @param frequencyDim   width of the sinusoidal timestep features (DiT: 256)
 */
public record DiTConfig(
        int latentChannels,
        int latentSize,
        int patchSize,
        int hidden,
        int depth,
        int heads,
        int mlpRatio,
        int numClasses,
        int frequencyDim) {

    public DiTConfig {
        require(latentChannels >= 1, "latentChannels must be >= 1, got " + latentChannels);
        require(
                patchSize >= 1 && latentSize >= patchSize && latentSize % patchSize == 0,
                "latentSize " + latentSize + " must be a positive multiple of patchSize " + patchSize);
        require(hidden >= 4 && hidden % 4 == 0, "hidden must be a positive multiple of 4, got " + hidden);
        require(heads >= 1 && hidden % heads == 0, "hidden " + hidden + " must split into " + heads + " heads");
        require(depth >= 1, "depth must be >= 1, got " + depth);
        require(mlpRatio >= 1, "mlpRatio must be >= 1, got " + mlpRatio);
        require(numClasses >= 1, "numClasses must be >= 1, got " + numClasses);
        require(frequencyDim >= 2 && frequencyDim % 2 == 0, "frequencyDim must be even, got " + frequencyDim);
    }

    /** A small DiT for tiny latents (e.g. 4x4x32 Fashion-MNIST latents of TAEF2): D 128, 6 blocks, 4 heads. */
    public static DiTConfig small(int latentChannels, int latentSize, int patchSize, int numClasses) {
        return new DiTConfig(latentChannels, latentSize, patchSize, 128, 6, 4, 4, numClasses, 256);
    }

    public int tokens() {
        int side = latentSize / patchSize;
        return side * side;
    }

    /** The index of the null (unconditional) class. */
    public int nullClass() {
        return numClasses;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("DiT config: " + message);
        }
    }
}
