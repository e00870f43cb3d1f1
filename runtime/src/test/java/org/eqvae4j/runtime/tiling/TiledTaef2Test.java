package org.eqvae4j.runtime.tiling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test: on a real 1024 x 1024 photo, tiled (256 px tiles, 32 px halo, the bundle's
 * geometry: 16 tiles) and untiled TAEF2 agree. The shipped bundle has its GroupNorm stages split out
 * (model.json decoderGlobal / decoderLocal), which is what makes the tiles agree; computed once, checked three ways.
 */
class TiledTaef2Test {
    private static Autoencoder ae;
    private static FloatTensor image;
    private static FloatTensor zTiled;
    private static FloatTensor decoded;
    private static FloatTensor decodedTiled;
    private static TiledAutoencoder tiled;

    /** astronaut.png (512 x 512) mirrored into 1024 x 1024, so content reaches every tile. */
    static FloatTensor astronaut1024() throws Exception {
        FloatTensor a = ImageFiles.read(TestSupport.repoRoot().resolve("test-images/photos/astronaut.png"));
        FloatTensor h = LatentTransform.flip(true).apply(a);
        FloatTensor top = concatWidth(a, h);
        return concatHeight(top, LatentTransform.flip(false).apply(top));
    }

    private static FloatTensor concatWidth(FloatTensor l, FloatTensor r) {
        return LatentTransform.rotate90(-1)
                .apply(concatHeight(
                        LatentTransform.rotate90(1).apply(r),
                        LatentTransform.rotate90(1).apply(l)));
    }

    private static FloatTensor concatHeight(FloatTensor t, FloatTensor b) {
        int plane = t.height() * t.width();
        float[] out = new float[t.channels() * 2 * plane];
        for (int c = 0; c < t.channels(); c++) {
            System.arraycopy(t.data(), c * plane, out, c * 2 * plane, plane);
            System.arraycopy(b.data(), c * plane, out, c * 2 * plane + plane, plane);
        }
        return new FloatTensor(1, t.channels(), 2 * t.height(), t.width(), out);
    }

    @BeforeAll
    static void run() throws Exception {
        ae = Taef2.shared();
        tiled = new TiledAutoencoder(ae, 256, 32, 0);
        image = astronaut1024();
        zTiled = tiled.encode(image);
        decoded = ae.decode(zTiled);
        decodedTiled = tiled.decode(zTiled);
    }

    @Test
    void mirroredInputIsTheRealPhoto() {
        assertTrue(image.height() == 1024 && image.width() == 1024 && tiled.tileCount(1024, 1024) == 16);
        // the mirror seams are continuous: row 511 equals row 512
        FloatTensor a = LatentTransform.crop(511, 0, 1, 1024).apply(image);
        FloatTensor b = LatentTransform.crop(512, 0, 1, 1024).apply(image);
        TestSupport.assertClose(a, b, 0);
    }

    @Test
    void tiledDecodingMatchesUntiledToFortyDecibels() {
        double psnr = ImageMetrics.psnrUint8(decoded, decodedTiled);
        System.out.printf("tiled vs untiled decode, 1024x1024: %.2f dB%n", psnr);
        assertTrue(psnr >= 40, "tiled vs untiled decoding PSNR " + psnr);
    }

    /** The tiled round trip against the untiled decoder: overall, in bands around the seams, and against the photo. */
    @Test
    void seamsAreNotVisibleInATiledRoundTrip() {
        double seams = seamBandPsnr(decoded, decodedTiled);
        double untiled = ImageMetrics.psnrUint8(image, decoded);
        double roundTrip = ImageMetrics.psnrUint8(image, decodedTiled);
        System.out.printf(
                "seam bands, tiled vs untiled decode: %.2f dB; round trip vs photo: untiled decode %.2f, tiled %.2f dB%n",
                seams, untiled, roundTrip);
        assertTrue(seams >= 40, "seam bands " + seams);
        assertTrue(Math.abs(untiled - roundTrip) < 0.1, untiled + " vs " + roundTrip);
    }

    /** Encoding: the untiled encoder is costly at 1024 px, so this compares on a 384 px crop (2 x 2 tiles). */
    @Test
    void tiledEncodingIsCloseToUntiled() throws Exception {
        FloatTensor crop = LatentTransform.crop(320, 320, 384, 384).apply(image);
        FloatTensor z = ae.encode(crop);
        FloatTensor zt = tiled.encode(crop);
        double rel = relativeRmse(z, zt);
        double viaDecoder = ImageMetrics.psnrUint8(ae.decode(z), ae.decode(zt));
        System.out.printf(
                "tiled vs untiled encode, 384x384 (4 tiles): relative RMS difference %.4f, decoded %.2f dB apart%n",
                rel, viaDecoder);
        assertTrue(rel < 0.02, "relative RMS difference of latents " + rel);
        assertTrue(viaDecoder >= 40, "decoded latents " + viaDecoder);
    }

    /** PSNR over 16-pixel bands centred on every overlap of the 4 x 4 layout (rows and columns). */
    private static double seamBandPsnr(FloatTensor a, FloatTensor b) {
        TileLayout t = TileLayout.of(128, 40, 8);
        double se = 0;
        long n = 0;
        for (int i = 1; i < t.count(); i++) {
            int centre = ((t.start(i - 1) + t.window() + t.start(i)) * 8) / 2;
            for (int y = 0; y < 1024; y++) {
                for (int x = 0; x < 1024; x++) {
                    if (Math.abs(y - centre) < 8 || Math.abs(x - centre) < 8) {
                        for (int c = 0; c < 3; c++) {
                            double d = ImageFiles.toByte(a.get(0, c, y, x)) - ImageFiles.toByte(b.get(0, c, y, x));
                            se += d * d;
                            n++;
                        }
                    }
                }
            }
        }
        return 20 * Math.log10(255 / Math.sqrt(se / n));
    }

    private static double relativeRmse(FloatTensor a, FloatTensor b) {
        double d = 0;
        double s = 0;
        for (int i = 0; i < a.data().length; i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
            s += Math.pow(a.data()[i], 2);
        }
        return Math.sqrt(d / s);
    }
}
