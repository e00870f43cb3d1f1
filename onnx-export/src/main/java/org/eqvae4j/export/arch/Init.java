package org.eqvae4j.export.arch;

/** How a freshly created parameter is initialised (PyTorch's defaults for the layer it belongs to). */
public enum Init {
    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)): nn.Conv2d / nn.Linear weights and biases. */
    FAN_IN_UNIFORM,
    ONES,
    ZEROS,
    /** N(0, 0.02): embeddings, codebooks and GAN discriminators (pix2pix init). */
    NORMAL_002,
    /** N(1, 0.02): BatchNorm scales in GAN discriminators (pix2pix / taming {@code weights_init}). */
    NORMAL_ONE_002
}
