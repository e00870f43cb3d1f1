package org.eqvae4j.runtime.image;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bit depths, pages, intensity scaling and pixel sizes survive a read and a write. */
class ImageMetadataTest {
    @TempDir
    Path tmp;

    /** [pages, 1, h, w] of 16-bit samples (as raw values), a microscopy-like dim range. */
    private static FloatTensor raw16(int pages, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] d = new float[pages * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = 300 + r.nextInt(2200);
        }
        d[0] = 0;
        d[1] = 65535;
        return new FloatTensor(pages, 1, h, w, d);
    }

    @Test
    void sixteenBitTiffStackWithMicronPixelSizeRoundTrips() throws Exception {
        FloatTensor raw = raw16(3, 12, 20, 1);
        Path tif = tmp.resolve("stack.tif");
        TiffFiles.write(tif, raw, TiffFiles.SampleType.UINT16, new PixelSize(0.65, 0.8, "micron"), null);

        ImageData img = ImageFiles.readImage(tif, IntensityMapping.LINEAR);
        ImageMetadata m = img.metadata();
        assertArrayEquals(new long[] {3, 1, 12, 20}, img.pixels().shape());
        assertEquals("tiff", m.format());
        assertEquals(16, m.bitsPerSample());
        assertEquals(3, m.pages());
        assertEquals(1, m.channels());
        assertEquals(new IntensityScaling(0, 65535, "linear"), m.scaling());
        assertEquals("micron", m.pixelSize().unit());
        assertEquals(0.65, m.pixelSize().x(), 1e-9);
        assertEquals(0.8, m.pixelSize().y(), 1e-9);
        assertTrue(TiffFiles.readTags(tif).description().startsWith("ImageJ=")
                && TiffFiles.readTags(tif).description().contains("unit=micron"));
        assertClose(raw.map(v -> v / 65535.0), img.pixels(), 0);
        assertEquals(1, ImageFiles.read(tif).batch(), "read() keeps to the first page");

        Path out = tmp.resolve("again.tif");
        ImageFiles.write(img.pixels(), m, out);
        ImageData back = ImageFiles.readImage(out, IntensityMapping.LINEAR);
        assertEquals(m, back.metadata());
        assertClose(img.pixels(), back.pixels(), 0);
    }

    @Test
    void percentileScalingIsRecordedAndInvertedOnWriting() throws Exception {
        FloatTensor raw = raw16(1, 40, 50, 2);
        Path tif = tmp.resolve("dim.tif");
        TiffFiles.write(tif, raw, TiffFiles.SampleType.UINT16, null, null);
        ImageData img = ImageFiles.readImage(tif, IntensityMapping.parse("percentile:1:99"));
        IntensityScaling s = img.metadata().scaling();
        assertEquals("percentile 1-99", s.method());
        assertTrue(s.low() > 300 && s.low() < 400 && s.high() > 2300 && s.high() < 2500, s.toString());
        // the bulk of the samples spans [0, 1]; the two outliers stay outside (not clipped)
        assertTrue(img.pixels().data()[1] > 20 && img.pixels().data()[0] < -0.1);
        Path out = tmp.resolve("restored.tif");
        ImageFiles.write(img.pixels(), img.metadata(), out);
        assertClose(raw.map(v -> v / 65535.0), ImageFiles.read(out), 0); // raw samples restored exactly
    }

    @Test
    void floatTiffKeepsItsValues() throws Exception {
        FloatTensor raw = TestSupport.random(3, 2, 1, 5, 7).map(v -> v * 1000);
        Path tif = tmp.resolve("f.tif");
        TiffFiles.write(tif, raw, TiffFiles.SampleType.FLOAT32, null, null);
        ImageData img = ImageFiles.readImage(tif, IntensityMapping.LINEAR);
        assertTrue(img.metadata().floatingPoint());
        assertEquals(32, img.metadata().bitsPerSample());
        assertEquals("tif", img.metadata().outputExtension());
        assertClose(raw, img.pixels(), 0);
    }

    @Test
    void committedMultiPageTiffIsAStackWithItsResolution() throws Exception {
        ImageData img = ImageFiles.readImage(
                TestSupport.repoRoot().resolve("test-images/formats/multipage.tif"), IntensityMapping.LINEAR);
        assertEquals(2, img.metadata().pages());
        assertArrayEquals(new long[] {2, 1, 15, 10}, img.pixels().shape());
        assertEquals(new PixelSize(1 / 72.0, 1 / 72.0, "inch"), img.metadata().pixelSize());
        Path out = tmp.resolve("multi.tif");
        ImageFiles.write(img.pixels(), img.metadata(), out);
        ImageData back = ImageFiles.readImage(out, IntensityMapping.LINEAR);
        assertClose(img.pixels(), back.pixels(), 0);
        assertEquals(img.metadata().pixelSize().x(), back.metadata().pixelSize().x(), 1e-9);
        assertEquals("inch", back.metadata().pixelSize().unit());
    }

    @Test
    void pngKeepsSixteenBitsAndItsPixelSize() throws Exception {
        FloatTensor raw = raw16(1, 6, 9, 3);
        ImageMetadata like = new ImageMetadata(
                "png", 1, 16, false, 1, new PixelSize(0.5, 0.25, "micron"), IntensityScaling.linear(16, false));
        Path png = tmp.resolve("u16.png");
        ImageFiles.write(raw.map(v -> v / 65535.0), like, png);
        ImageData back = ImageFiles.readImage(png, IntensityMapping.LINEAR);
        assertEquals(16, back.metadata().bitsPerSample());
        assertEquals(0.5, back.metadata().pixelSize().x(), 1e-6);
        assertEquals(0.25, back.metadata().pixelSize().y(), 1e-6);
        assertClose(raw.map(v -> v / 65535.0), back.pixels(), 0);
        Path plain = tmp.resolve("plain.png");
        ImageFiles.writePng(FloatTensor.zeros(1, 1, 2, 2), plain);
        assertNull(
                ImageFiles.readImage(plain, IntensityMapping.LINEAR).metadata().pixelSize());
        PixelSize photo = ImageFiles.readImage(
                        TestSupport.repoRoot().resolve("test-images/photos/camera.png"), IntensityMapping.LINEAR)
                .metadata()
                .pixelSize(); // pHYs of 2835 pixels per metre (72 dpi)
        assertEquals(1e6 / 2835, photo.x(), 1e-9);
    }

    @Test
    void colourResultsOfGreySourcesAreWrittenGrey() throws Exception {
        FloatTensor rgb = TestSupport.random(4, 1, 3, 4, 4).map(v -> (v + 1) / 2);
        Path png = tmp.resolve("grey.png");
        ImageFiles.write(rgb, ImageMetadata.plain8Bit(1), png);
        assertEquals(1, ImageIO.read(png.toFile()).getColorModel().getNumColorComponents());
        assertClose(ImageFiles.toChannels(rgb, 1), ImageFiles.read(png), 0.5 / 255 + 1e-6);
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageFiles.write(rgb, ImageMetadata.plain8Bit(3), tmp.resolve("x.jpg")));
        IllegalArgumentException pages = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFiles.write(
                        FloatTensor.zeros(2, 1, 4, 4), ImageMetadata.plain8Bit(1), tmp.resolve("two.png")));
        assertTrue(pages.getMessage().contains(".tif"), pages.getMessage());
        assertFalse(Files.exists(tmp.resolve("two.png")));
    }

    @Test
    void pnmIsReadThroughCommonsImaging() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("P5\n3 2\n255\n".getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {0, 51, (byte) 102, (byte) 153, (byte) 204, (byte) 255});
        Path pgm = Files.write(tmp.resolve("ramp.pgm"), b.toByteArray());
        FloatTensor t = ImageFiles.read(pgm);
        assertArrayEquals(new long[] {1, 1, 2, 3}, t.shape());
        assertArrayEquals(new float[] {0, 0.2f, 0.4f, 0.6f, 0.8f, 1}, t.data(), 1e-6f);
        assertEquals(
                "pgm",
                ImageFiles.readImage(pgm, IntensityMapping.LINEAR).metadata().format());
    }

    @Test
    void intensityMappingParses() {
        assertEquals(IntensityMapping.LINEAR, IntensityMapping.parse("linear"));
        assertEquals(IntensityMapping.PERCENTILE, IntensityMapping.parse(" Percentile "));
        assertEquals(new IntensityMapping(true, 0.5, 99.5), IntensityMapping.parse("percentile:0.5:99.5"));
        for (String bad : new String[] {"log", "percentile:5", "percentile:50:10", "percentile:a:b"}) {
            assertThrows(IllegalArgumentException.class, () -> IntensityMapping.parse(bad), bad);
        }
    }
}
