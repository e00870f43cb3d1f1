package org.eqvae4j.export.arch;

/**
 * The TAESD family of tiny deterministic autoencoders (madebyollin/taesd): three stride-2 stages of
 * 64-channel residual blocks, nearest-upsampling decoder, no posterior.
 *
 * @param imageChannels   image channels (3)
 * @param latentChannels  latent channels (4 for TAESD/SDXL, 16 for TAESD3/FLUX.1, 32 for TAEF2)
 * @param width           block width (64)
 * @param blocksPerStage  residual blocks in each encoder stage after the first downsampling (3)
 * @param midPool         TAEF2's extra branch in the lowest-resolution blocks: 1x1 conv to
 *                        {@code poolExpansion * width} channels, GroupNorm, ReLU, 1x1 conv back, added to the input
 * @param poolExpansion   expansion factor of that branch (4)
 * @param poolGroups      GroupNorm groups in that branch (4)
 * @param latentClamp     decoder's input soft clamp: tanh(z / c) * c (3)
 */
public record TinyAutoencoderConfig(
        int imageChannels,
        int latentChannels,
        int width,
        int blocksPerStage,
        boolean midPool,
        int poolExpansion,
        int poolGroups,
        float latentClamp) {

    /** TAEF2: 32 latent channels, pool branch in the mid blocks (see models/taef2/README.md). */
    public static TinyAutoencoderConfig taef2() {
        return new TinyAutoencoderConfig(3, 32, 64, 3, true, 4, 4, 3f);
    }

    /** The original TAESD for SD 1.x/2.x and SDXL latents. */
    public static TinyAutoencoderConfig taesd() {
        return new TinyAutoencoderConfig(3, 4, 64, 3, false, 4, 4, 3f);
    }

    /** Spatial downsampling factor: three stride-2 stages. */
    public int downsamplingFactor() {
        return 8;
    }
}
