package org.eqvae4j.cli.options;

import picocli.CommandLine.Option;

/** {@code --size}: the model side of Fashion-MNIST images for the flow-matching generator commands (a mixin). */
public final class FashionMnistSizeOption {
    @Option(
            names = "--size",
            defaultValue = "32",
            description = {
                "Model side of the Fashion-MNIST images (default ${DEFAULT-VALUE}): 32 = padded 28 -> 32; 64 = padded, then",
                "resized bicubically to 64 (8x8 latents for TAEF2, room for scale equivariance); a multiple of 32."
            })
    public int size;
}
