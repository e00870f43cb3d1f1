package org.eqvae4j.training.eqvae;

import java.util.Locale;

/**
 * Which part of the autoencoder a training phase updates; the other part is frozen (no gradient, no update). A
 * discriminator, when there is one, trains in every phase.
 */
public enum TrainablePart {
    /** The encoder's weights (the encoder ONNX file's), the decoder frozen: it must become equivariant itself. */
    ENCODER,
    /** The decoder's weights, the encoder frozen: wins reconstruction back on a fixed latent space. */
    DECODER,
    /** Every weight. */
    ALL;

    /** Parses {@code encoder}, {@code decoder} or {@code all} (any case). */
    public static TrainablePart parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "encoder" -> ENCODER;
            case "decoder" -> DECODER;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException("a phase trains encoder, decoder or all, not '" + s + "'");
        };
    }
}
