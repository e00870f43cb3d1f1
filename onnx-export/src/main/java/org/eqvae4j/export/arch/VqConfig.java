package org.eqvae4j.export.arch;

import java.util.List;
import java.util.Set;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * A VQ autoencoder (VQGAN-style, taming-transformers' {@code VQModel} without the GAN): the LDM conv
 * encoder and decoder of {@link KlVaeConfig} around a vector quantiser. The encoder's {@code conv_out}
 * emits {@code zChannels} (single z) and {@code quant_conv} maps them to the codebook dimension
 * {@code body.embedDim()}.
 *
 * <p>The quantiser compares l2-normalised features with l2-normalised codebook entries (cosine
 * similarity, as ViT-VQGAN's factorised codes): with a low codebook dimension this keeps most entries
 * in use, where plain Euclidean codebooks of a small CPU model tend to collapse onto a few entries.
 *
 * @param body         encoder/decoder geometry; {@code embedDim} is the codebook dimension
 * @param codebookSize number of codebook entries K (indices 0..K-1)
 * @param beta         weight of the commitment loss {@code ||z - sg(q)||^2} (0.25 in VQ-VAE / VQGAN)
 */
public record VqConfig(KlVaeConfig body, int codebookSize, float beta) {

    public VqConfig {
        if (body == null || !body.useQuantConv()) {
            throw new IllegalArgumentException("a VQ body needs quant_conv / post_quant_conv");
        }
        if (codebookSize < 2) {
            throw new IllegalArgumentException("codebookSize must be >= 2, got " + codebookSize);
        }
        if (!(beta >= 0) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
    }

    /**
     * The small VQ autoencoder for 32x32 grey images (Fashion-MNIST padded): ch 16, ch_mult [1,2,2]
     * (f = 4, 8x8 tokens), 1 res block, z 8, codebook 256 x 8, beta 0.25, images in [-1, 1].
     */
    public static VqConfig small() {
        return new VqConfig(
                new KlVaeConfig(
                        1, 1, 16, List.of(1, 2, 2), 1, Set.of(), 8, 8, 8, true, 1f, 0f, ValueRange.MINUS_ONE_TO_ONE),
                256,
                0.25f);
    }

    public int codebookDim() {
        return body.embedDim();
    }
}
