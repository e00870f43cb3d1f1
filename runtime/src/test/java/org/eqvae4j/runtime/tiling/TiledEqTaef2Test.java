package org.eqvae4j.runtime.tiling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shipped EQ-VAE fine-tune (models/eq-taef2, re-exported with its tiling parts) tiles as TAEF2 does:
 * tiled and untiled decoding of the 1024 x 1024 photo agree to 40 dB. Slow (a minute on two cores).
 */
@Tag("slow")
class TiledEqTaef2Test {
    @Test
    void tiledDecodingMatchesUntiledToFortyDecibels() throws Exception {
        try (Autoencoder ae =
                Autoencoder.open(ModelBundle.open(TestSupport.repoRoot().resolve("models/eq-taef2")), 2)) {
            assertTrue(
                    ae.decoderStages().isPresent() && ae.encoderStages().isPresent(),
                    "the bundle ships its tiling parts");
            TiledAutoencoder tiled = new TiledAutoencoder(ae, 256, 32, 0);
            FloatTensor image = TiledTaef2Test.astronaut1024();
            FloatTensor z = tiled.encode(image);
            FloatTensor decoded = ae.decode(z);
            FloatTensor decodedTiled = tiled.decode(z);
            double psnr = ImageMetrics.psnrUint8(decoded, decodedTiled);
            System.out.printf(
                    "eq-taef2: tiled vs untiled decode, 1024x1024: %.2f dB; round trip %.2f dB%n",
                    psnr, ImageMetrics.psnrUint8(image, decodedTiled));
            assertTrue(psnr >= 40, "tiled vs untiled decoding PSNR " + psnr);
        }
    }
}
