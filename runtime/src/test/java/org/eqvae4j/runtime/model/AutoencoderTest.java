package org.eqvae4j.runtime.model;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.metrics.RoundTrip;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.Resampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderTest {
    private static Autoencoder ae;
    private static FloatTensor astronaut;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        ae = Taef2.open();
        astronaut = Taef2.photoCrop("astronaut.png", 96, 192, 64, 64);
    }

    @AfterAll
    static void close() {
        if (ae != null) {
            ae.close();
        }
    }

    @Test
    void encodeGivesA32ChannelLatentAtOneEighth() throws Exception {
        assertArrayEquals(new long[] {1, 32, 8, 8}, ae.encode(astronaut).shape());
        FloatTensor wide = Taef2.photoCrop("coffee.png", 0, 0, 48, 80);
        assertArrayEquals(new long[] {1, 32, 6, 10}, ae.encode(wide).shape());
        FloatTensor z = ae.encode(astronaut);
        assertTrue(z.allFinite());
        assertClose(z, ae.encode(astronaut), 0); // deterministic
    }

    @Test
    void batchesEncodeSampleBySample() throws Exception {
        FloatTensor other = Taef2.photoCrop("coffee.png", 100, 100, 64, 64);
        FloatTensor z = ae.encode(FloatTensor.stack(List.of(astronaut, other)));
        assertArrayEquals(new long[] {2, 32, 8, 8}, z.shape());
        assertClose(ae.encode(astronaut), z.sample(0), 1e-4);
        assertClose(ae.encode(other), z.sample(1), 1e-4);
    }

    @Test
    void decodeReconstructsTheImage() throws Exception {
        FloatTensor recon = ae.decode(ae.encode(astronaut));
        assertArrayEquals(new long[] {1, 3, 64, 64}, recon.shape());
        double psnr = ImageMetrics.psnrUint8(astronaut, recon);
        assertTrue(psnr > 22 && psnr < 60, "TAEF2 round trip PSNR " + psnr);
        // a different image reconstructs worse against this one
        FloatTensor other = ae.decode(ae.encode(Taef2.photoCrop("coffee.png", 100, 100, 64, 64)));
        assertTrue(ImageMetrics.psnrUint8(astronaut, other) < psnr - 5);
    }

    @Test
    void shippedTilingStagesComposeToTheFullModel() throws Exception {
        LatentCodec.Stages enc = ae.encoderStages().orElseThrow();
        LatentCodec.Stages dec = ae.decoderStages().orElseThrow();
        FloatTensor z = ae.encode(astronaut);
        assertClose(z, enc.whole().apply(enc.local().apply(astronaut)), 1e-5);
        assertClose(ae.decode(z), dec.local().apply(dec.whole().apply(z)), 1e-5);
        FloatTensor features = dec.whole().apply(z);
        assertArrayEquals(
                new long[] {1, 64, 8, 8}, features.shape(), "the whole-image stage stays at latent resolution");
    }

    @Test
    void wrongChannelCountIsRefused() {
        FloatTensor grey = FloatTensor.zeros(1, 1, 64, 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ae.encode(grey));
        assertTrue(e.getMessage().contains("3-channel") && e.getMessage().contains("got 1"), e.getMessage());
        IllegalArgumentException d =
                assertThrows(IllegalArgumentException.class, () -> ae.decode(FloatTensor.zeros(1, 16, 8, 8)));
        assertTrue(d.getMessage().contains("32-channel") && d.getMessage().contains("got 16"), d.getMessage());
    }

    @Test
    void sizeNotAMultipleOfEightIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ae.encode(FloatTensor.zeros(1, 3, 60, 64)));
        assertTrue(
                e.getMessage().contains("60x64") && e.getMessage().contains("multiple of the downsampling factor 8"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ae.encode(FloatTensor.zeros(1, 3, 64, 4)));
        assertThrows(IllegalArgumentException.class, () -> ae.encode(FloatTensor.zeros(1, 3, 0, 8)));
    }

    @Test
    void nonFiniteLatentIsRefused() throws Exception {
        FloatTensor z = ae.encode(astronaut);
        float[] d = z.data().clone();
        d[17] = Float.NaN;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ae.decode(new FloatTensor(1, 32, 8, 8, d)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        d[17] = Float.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> ae.decode(new FloatTensor(1, 32, 8, 8, d)));
    }

    private Path copyOfBundle() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("bundle"));
        try (var files = Files.list(Taef2.bundleDir())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    @Test
    void garbageEncoderFileIsNamed() throws Exception {
        Path dir = copyOfBundle();
        Files.write(dir.resolve("encoder.onnx"), "this is not an ONNX model".getBytes());
        ModelBundle b = ModelBundle.open(dir); // only checks the file exists and is not empty
        BundleException e = assertThrows(BundleException.class, () -> Autoencoder.open(b, 1));
        assertTrue(
                e.getMessage().contains("encoder.onnx")
                        && e.getMessage().contains("not a loadable ONNX model")
                        && e.getMessage().contains(dir.toString()),
                e.getMessage());
    }

    @Test
    void garbageDecoderFileIsNamed() throws Exception {
        Path dir = copyOfBundle();
        Files.write(dir.resolve("decoder.onnx"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        BundleException e = assertThrows(BundleException.class, () -> Autoencoder.open(ModelBundle.open(dir), 1));
        assertTrue(e.getMessage().contains("decoder.onnx"), e.getMessage());
    }

    @Test
    void valueRangeIsAppliedAtTheModelBoundary() throws Exception {
        // the same ONNX files declared as [-1, 1]: encode(x) sees 2x - 1, decode returns (y + 1) / 2
        Path dir = copyOfBundle();
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
        m.putArray("valueRange").add(-1.0).add(1.0);
        Files.writeString(dir.resolve("model.json"), m.toString());
        try (Autoencoder pm = Autoencoder.open(ModelBundle.open(dir), 2)) {
            assertArrayEquals(new double[] {-1, 1}, pm.manifest().valueRange());
            FloatTensor zRange = pm.encode(astronaut);
            assertClose(ae.encode(astronaut.map(v -> 2 * v - 1)), zRange, 1e-5);
            assertClose(ae.decode(zRange).map(v -> (v + 1) / 2), pm.decode(zRange), 1e-5);
        }
    }

    @Test
    void cropToMultipleTakesTheCentre() {
        FloatTensor x = org.eqvae4j.runtime.TestSupport.random(4, 1, 3, 70, 75);
        FloatTensor c = LatentTransform.cropToMultiple(x, 8);
        assertArrayEquals(new long[] {1, 3, 64, 72}, c.shape());
        assertClose(LatentTransform.crop(3, 1, 64, 72).apply(x), c, 0);
        FloatTensor exact = FloatTensor.zeros(1, 3, 16, 24);
        assertTrue(exact == LatentTransform.cropToMultiple(exact, 8));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LatentTransform.cropToMultiple(FloatTensor.zeros(1, 3, 7, 64), 8));
        assertTrue(e.getMessage().contains("7x64") && e.getMessage().contains("8"), e.getMessage());
    }

    @Test
    void roundTripWithAndWithoutTransform() throws Exception {
        FloatTensor grey = Taef2.photoCrop("camera.png", 100, 200, 67, 70); // grey, not a multiple of 8
        RoundTrip.Result plain = RoundTrip.run(ae, grey, null);
        assertArrayEquals(new long[] {1, 3, 64, 64}, plain.input().shape());
        assertArrayEquals(new long[] {1, 32, 8, 8}, plain.latent().shape());
        assertArrayEquals(new long[] {1, 3, 64, 64}, plain.reconstruction().shape());
        assertEquals(ImageMetrics.psnrUint8(plain.input(), plain.reconstruction()), plain.psnr());
        assertNull(plain.transformedTarget());
        assertTrue(Double.isNaN(plain.transformedPsnr()));

        LatentTransform tau = LatentTransform.scaleThenRotate(0.5, 1);
        RoundTrip.Result eq = RoundTrip.run(ae, grey, tau);
        assertArrayEquals(new long[] {1, 3, 32, 32}, eq.transformedTarget().shape());
        assertArrayEquals(new long[] {1, 3, 32, 32}, eq.transformedDecoded().shape());
        FloatTensor expectedTarget =
                LatentTransform.rotate90(1).apply(Resampler.resize(plain.input(), 32, 32, Interpolation.BILINEAR));
        assertClose(expectedTarget, eq.transformedTarget(), 0);
        assertClose(ae.decode(tau.apply(plain.latent())), eq.transformedDecoded(), 1e-5);
        assertEquals(ImageMetrics.psnrUint8(eq.transformedTarget(), eq.transformedDecoded()), eq.transformedPsnr());
        assertTrue(
                eq.transformedPsnr() > 5 && eq.transformedPsnr() < plain.psnr(),
                eq.transformedPsnr() + " vs " + plain.psnr());
    }
}
