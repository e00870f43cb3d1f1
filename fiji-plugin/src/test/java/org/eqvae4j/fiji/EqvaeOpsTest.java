package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The operations with the shipped TAEF2 bundle on tiny images. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EqvaeOpsTest {
    private OpenModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    void open() throws BundleException {
        model = OpenModel.open(FijiTests.taef2().toString(), List.of(), RuntimeOptions.threads(2));
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void encodeGivesACalibratedLatentHyperstackAndDecodeGivesTheImageBack() throws Exception {
        ImagePlus imp = FijiTests.photo();
        FijiTests.calibrate(imp, 0.5, 0.5, "micron");
        EqvaeOps.Encoded e = EqvaeOps.encode(imp, model.codec(), "auto", Monitor.NONE);
        ImagePlus z = e.latent();
        assertEquals(8, z.getWidth());
        assertEquals(8, z.getHeight());
        assertEquals(32, z.getNChannels());
        assertEquals(32, z.getBitDepth());
        assertEquals(4.0, z.getCalibration().pixelWidth, 1e-12);
        assertEquals("taef2", LatentImages.read(z).latent().header().bundleId());

        EqvaeOps.Decoded d = EqvaeOps.decode(z, model.codec(), false, ImagePlusTensors.ResultType.SAME, Monitor.NONE);
        ImagePlus x = d.image();
        assertEquals(ImagePlus.COLOR_RGB, x.getType());
        assertEquals(64, x.getWidth());
        assertEquals(0.5, x.getCalibration().pixelWidth, 1e-12);
        // decoded like a round trip: TAEF2 reconstructs this crop well above 20 dB
        EqvaeOps.RoundTripped r =
                EqvaeOps.roundTrip(imp, model.codec(), "auto", "", ImagePlusTensors.ResultType.SAME, Monitor.NONE);
        double psnr = ((Number) r.metrics().get("psnr_db")).doubleValue();
        assertTrue(psnr > 22, "round-trip PSNR " + psnr);
        assertEquals(psnr, psnrRgb(imp, x), 0.01, "decode(encode(x)) is the round trip's reconstruction");
    }

    /** 8-bit PSNR between two RGB images, as the runtime computes it. */
    private static double psnrRgb(ImagePlus a, ImagePlus b) {
        int[] pa = (int[]) a.getProcessor().getPixels();
        int[] pb = (int[]) b.getProcessor().getPixels();
        double se = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                double d = ((pa[i] >> shift) & 0xff) - ((pb[i] >> shift) & 0xff);
                se += d * d;
            }
        }
        return 20 * Math.log10(255 / Math.sqrt(se / (3.0 * pa.length)));
    }

    @Test
    void sixteenBitStacksComeBackSixteenBitWithTheirDimensions() throws Exception {
        ImagePlus imp = FijiTests.hyperstack(16, 1, 2, 1, 40); // 40 is cropped to 40 (a multiple of 8)
        ImagePlus z = EqvaeOps.encode(imp, model.codec(), "auto", Monitor.NONE).latent();
        assertEquals(2, z.getNFrames());
        EqvaeOps.Decoded d = EqvaeOps.decode(z, model.codec(), false, ImagePlusTensors.ResultType.SAME, Monitor.NONE);
        ImagePlus x = d.image();
        assertEquals(16, x.getBitDepth());
        assertEquals(2, x.getNSlices());
        assertEquals(40, x.getWidth());
        assertEquals(0.65, x.getCalibration().pixelWidth, 1e-12);
        // in its own units: the mean stays near the input's (percentile scaling inverted)
        double in = imp.getStatistics().mean;
        double out = x.getStatistics().mean;
        assertTrue(Math.abs(in - out) < 0.05 * in, "mean " + in + " -> " + out);
    }

    @Test
    void transformRescalesTheLatentAndTheDecodedCalibration() throws Exception {
        ImagePlus imp = FijiTests.photo();
        FijiTests.calibrate(imp, 0.5, 0.25, "micron");
        ImagePlus z = EqvaeOps.encode(imp, model.codec(), "auto", Monitor.NONE).latent();
        ImagePlus half = EqvaeOps.transform(z, "scale=0.5,rot=1");
        assertEquals(4, half.getWidth());
        assertEquals(
                List.of("scale=0.5,rot=1"),
                LatentImages.read(half).latent().header().transforms());
        ImagePlus x = EqvaeOps.decode(half, model.codec(), false, ImagePlusTensors.ResultType.SAME, Monitor.NONE)
                .image();
        assertEquals(32, x.getWidth());
        // half as many pixels: each twice as large; a quarter turn swaps x and y
        assertEquals(0.5, x.getCalibration().pixelWidth, 1e-12);
        assertEquals(1.0, x.getCalibration().pixelHeight, 1e-12);
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> EqvaeOps.transform(z, "zoom=2"));
        assertTrue(bad.getMessage().contains("zoom"), bad.getMessage());
    }

    @Test
    void roundTripWithATransformAndTheFigure2Panel() throws Exception {
        ImagePlus imp = FijiTests.photo();
        FijiTests.calibrate(imp, 1, 1, "micron");
        EqvaeOps.RoundTripped r = EqvaeOps.roundTrip(
                imp, model.codec(), "auto", "scale=0.5", ImagePlusTensors.ResultType.SAME, Monitor.NONE);
        assertEquals(32, r.transformed().getWidth());
        assertEquals(32, r.transformedDecoded().getWidth());
        assertEquals(2.0, r.transformedDecoded().getCalibration().pixelWidth, 1e-12);
        double tPsnr = ((Number) r.metrics().get("transformed_psnr_db")).doubleValue();
        assertTrue(
                tPsnr > 10 && tPsnr < ((Number) r.metrics().get("psnr_db")).doubleValue(), "transformed PSNR " + tPsnr);

        EqvaeOps.Compared c = EqvaeOps.compareEquivariance(imp, model.codec(), "auto", "scale=0.5,rot=1", Monitor.NONE);
        assertEquals(4 * 64 + 5 * 4, c.panel().getWidth());
        assertEquals(64 + 2 * 4, c.panel().getHeight());
        double err = ((Number) c.metrics().get("equivariance_error")).doubleValue();
        assertTrue(err > 0.05 && err < 3, "TAEF2 is not equivariant: error " + err);

        ImagePlus pca = EqvaeOps.pcaView(imp, model.codec(), "auto", Monitor.NONE);
        assertEquals(ImagePlus.COLOR_RGB, pca.getType());
        assertEquals(8, pca.getWidth());
    }

    @Test
    void sampleNeedsAGeneratorAndSaysSo() {
        BundleException e = assertThrows(
                BundleException.class,
                () -> LatentSampler.open(model.bundle(), model.autoencoder(), RuntimeOptions.DEFAULT));
        assertTrue(e.getMessage().contains("has no generator"), e.getMessage());
    }

    @Test
    void samplesFromTheShippedMaskGitAndFlowMatchingBundles() throws Exception {
        for (String name : List.of("maskgit-eq-vq-small-fmnist", "eq-taef2-dit-fmnist")) {
            try (OpenModel m = OpenModel.open(
                            FijiTests.repoRoot().resolve("models/" + name).toString(),
                            List.of(),
                            RuntimeOptions.threads(2));
                    LatentSampler sampler =
                            LatentSampler.open(m.bundle(), m.autoencoder(), RuntimeOptions.threads(2))) {
                ImagePlus a = EqvaeOps.sample(sampler, m.codec(), 3, 7, 11, Monitor.NONE);
                ImagePlus b = EqvaeOps.sample(sampler, m.codec(), 3, 7, 11, Monitor.NONE);
                assertEquals(32, a.getWidth(), name);
                assertEquals(32, a.getHeight(), name);
                assertEquals(3, a.getStackSize(), name);
                double sum = 0;
                for (int i = 1; i <= 3; i++) {
                    assertArrayEquals(
                            (int[]) toRgbInts(a, i), (int[]) toRgbInts(b, i), name + ": same seed, same samples");
                    sum += a.getStack().getProcessor(i).getStatistics().mean;
                }
                // Fashion-MNIST garments: a bright object on a dark background, not a blank or saturated frame
                assertTrue(sum / 3 > 10 && sum / 3 < 200, name + " mean grey " + sum / 3);
                var e = assertThrows(IllegalArgumentException.class, () -> sampler.sample(1, 11, 0));
                assertTrue(e.getMessage().contains("class 11 is out of range"), e.getMessage());
            }
        }
    }

    private static Object toRgbInts(ImagePlus imp, int slice) {
        return imp.getStack().getProcessor(slice).convertToRGB().getPixels();
    }

    @Test
    void cancellingStopsBetweenPlanes() {
        ImagePlus imp = FijiTests.hyperstack(8, 1, 3, 1, 16);
        int[] calls = {0};
        Monitor cancelAfterFirst = new Monitor() {
            @Override
            public void progress(int done, int total, String message) {
                calls[0]++;
            }

            @Override
            public boolean cancelled() {
                return calls[0] >= 1;
            }
        };
        assertThrows(CancellationException.class, () -> EqvaeOps.encode(imp, model.codec(), "auto", cancelAfterFirst));
        assertEquals(1, calls[0], "one plane encoded, then stopped");
    }

    @Test
    void decodingAnotherBundlesLatentIsRefusedUnlessIgnored() throws Exception {
        ImagePlus z = EqvaeOps.encode(FijiTests.photo(), model.codec(), "auto", Monitor.NONE)
                .latent();
        try (OpenModel eq = OpenModel.open(
                FijiTests.repoRoot().resolve("models/eq-taef2").toString(), List.of(), RuntimeOptions.threads(2))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> EqvaeOps.decode(z, eq.codec(), false, ImagePlusTensors.ResultType.SAME, Monitor.NONE));
            assertTrue(
                    e.getMessage().contains("'taef2'") && e.getMessage().contains("'ignore' option"), e.getMessage());
            assertEquals(
                    64,
                    EqvaeOps.decode(z, eq.codec(), true, ImagePlusTensors.ResultType.SAME, Monitor.NONE)
                            .image()
                            .getWidth());
        }
    }

    @Test
    void batchOverAFolderReportsEachFile() throws IOException {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        javax.imageio.ImageIO.write(
                FijiTests.photo().getBufferedImage(), "png", in.resolve("a.png").toFile());
        IJ.saveAsTiff(
                FijiTests.grey(16, 32, 32, 4000, "b"), in.resolve("sub/b.tif").toString());
        Files.writeString(in.resolve("broken.png"), "not a png");
        Path out = tmp.resolve("out");
        EqvaeOps.BatchResult r = EqvaeOps.batch(
                in,
                out,
                EqvaeOps.BatchOp.ROUNDTRIP,
                model.codec(),
                "linear",
                "",
                FolderBatch.Options.DEFAULT,
                false,
                Monitor.NONE);
        assertEquals(2, r.done());
        assertEquals(1, r.failed());
        assertTrue(Files.isRegularFile(out.resolve("a.recon.png")));
        assertTrue(Files.isRegularFile(out.resolve("sub/b.recon.tif")));
        assertTrue(Files.isRegularFile(out.resolve(FolderBatch.SUMMARY)));
        String err = r.rows().stream()
                .filter(row -> "failed".equals(row.get("status")))
                .findFirst()
                .orElseThrow()
                .get("error")
                .toString();
        assertTrue(err.contains("broken.png"), err);
    }
}
