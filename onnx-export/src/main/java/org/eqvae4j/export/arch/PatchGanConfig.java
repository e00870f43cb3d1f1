package org.eqvae4j.export.arch;

/**
 * The pix2pix / taming-transformers NLayerDiscriminator (PatchGAN) used by LDM's autoencoder losses.
 *
 * @param inChannels image channels (3)
 * @param ndf        channels of the first conv (64)
 * @param nLayers    number of stride-2 convs (3); each output logit sees a 70x70 patch for 3 layers
 * @param norm       normalisation after the inner convs
 */
public record PatchGanConfig(int inChannels, int ndf, int nLayers, Norm norm) {
    /** The normalisation layers of the inner convs. */
    public enum Norm {
        /**
         * BatchNorm in inference form: ONNX BatchNormalization with the running statistics as constants.
         * What a trained LDM / taming discriminator checkpoint computes in eval mode.
         */
        RUNNING_STATISTICS,
        /**
         * BatchNorm as taming trains it (train mode): each call normalises by the mean and biased variance
         * of its own batch over (N, H, W), built from standard ops so it differentiates everywhere. The
         * running statistics are not kept: taming's discriminator is only ever used in train mode, so they
         * never influence a loss. A checkpoint's running statistics load and are ignored.
         */
        BATCH_STATISTICS,
        /** No normalisation (pix2pix with an identity norm layer: the inner convs get biases instead). */
        NONE
    }

    /** Kernel size of every conv. */
    public static final int KERNEL = 4;
    /** BatchNorm epsilon (PyTorch's default). */
    public static final float BN_EPS = 1e-5f;
    /** LeakyReLU slope. */
    public static final float LEAKY_SLOPE = 0.2f;

    /** The layout with BatchNorm in inference form ({@link Norm#RUNNING_STATISTICS}). */
    public PatchGanConfig(int inChannels, int ndf, int nLayers) {
        this(inChannels, ndf, nLayers, Norm.RUNNING_STATISTICS);
    }

    public PatchGanConfig {
        if (norm == null) {
            throw new IllegalArgumentException("PatchGanConfig: norm is missing");
        }
        if (inChannels <= 0 || ndf <= 0) {
            throw new IllegalArgumentException(
                    "PatchGanConfig: channels must be positive (inChannels " + inChannels + ", ndf " + ndf + ")");
        }
        if (nLayers < 1 || nLayers > 16) {
            throw new IllegalArgumentException("PatchGanConfig: nLayers must be in 1..16, got " + nLayers);
        }
    }

    /** taming / LDM defaults: 3 input channels, ndf 64, 3 layers. */
    public static PatchGanConfig taming() {
        return new PatchGanConfig(3, 64, 3);
    }

    /** The same layout with another normalisation. */
    public PatchGanConfig withNorm(Norm n) {
        return new PatchGanConfig(inChannels, ndf, nLayers, n);
    }

    /** Channel multiplier {@code min(2^n, 8)} of the n-th conv (n = 0 for the first). */
    public static int nfMult(int n) {
        return Math.min(1 << Math.min(n, 3), 8);
    }

    /**
     * Smallest input side the discriminator accepts: {@code 3 * 2^nLayers} (24 px for 3 layers). After
     * the nLayers stride-2 convs (each {@code floor(s / 2)}) the two stride-1 4x4 convs with padding 1 need
     * at least 3 px.
     */
    public int minInputSize() {
        return 3 << nLayers;
    }

    /**
     * Side of the logit map for an input side: nLayers halvings (rounding down), then minus 2 (two
     * stride-1 4x4 convs with padding 1); {@code 64 -> 6} for 3 layers.
     *
     * @throws IllegalArgumentException when the input is smaller than {@link #minInputSize()}
     */
    public int outputSize(int inputSize) {
        if (inputSize < minInputSize()) {
            throw new IllegalArgumentException("PatchGAN with " + nLayers + " layers needs inputs of at least "
                    + minInputSize() + " px per side, got " + inputSize + " (use fewer layers for small crops)");
        }
        int s = inputSize;
        for (int i = 0; i < nLayers; i++) {
            s /= 2;
        }
        return s - 2;
    }

    /** Checks an input height and width; returns the logit map's [height, width]. */
    public int[] outputSize(int height, int width) {
        return new int[] {outputSize(height), outputSize(width)};
    }
}
