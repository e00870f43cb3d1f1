package org.eqvae4j.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.runtime.image.HostileFiles.TiffPage;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid files other tools write are read right (predictors, CMYK, Lab), and tiny hostile files are
 * refused fast, before anything large is allocated, with a message naming the file and the limit.
 */
class HostileImageTest {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void sixteenBitTiffWithPredictorAndDeflateReadsExactly() throws Exception {
        int w = 7;
        int h = 5;
        double[] grey = new double[w * h];
        double[] rgb = new double[w * h * 3];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (i * 2971) % 65536;
        }
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 7919 + 13) % 65536;
        }
        Path g = file("grey16.tif", HostileFiles.tiff(List.of(TiffPage.grey16(w, h, grey, 2)), -1));
        Path c = file("rgb16.tif", HostileFiles.tiff(List.of(new TiffPage(w, h, 3, 16, false, 2, 8, 2, rgb)), -1));
        ImageData gd = ImageFiles.readImage(g, IntensityMapping.LINEAR);
        assertEquals(16, gd.metadata().bitsPerSample());
        for (int i = 0; i < grey.length; i++) {
            assertEquals(grey[i] / 65535, gd.pixels().data()[i], 1e-7, "grey sample " + i);
        }
        FloatTensor ct = ImageFiles.readImage(c, IntensityMapping.LINEAR).pixels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(rgb[(y * w + x) * 3 + ch] / 65535, ct.get(0, ch, y, x), 1e-7);
                }
            }
        }
    }

    @Test
    void floatTiffWithFloatingPointPredictorKeepsValuesOutsideZeroToOne() throws Exception {
        int w = 6;
        int h = 4;
        double[] v = new double[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i - 10) * 37.25;
        }
        Path f = file("float.tif", HostileFiles.tiff(List.of(new TiffPage(w, h, 1, 32, true, 1, 8, 3, v)), -1));
        ImageData d = ImageFiles.readImage(f, IntensityMapping.LINEAR);
        assertTrue(d.metadata().floatingPoint());
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], d.pixels().data()[i], 1e-4, "sample " + i);
        }
        v[7] = Double.NaN;
        Path nan = file("nan.tif", HostileFiles.tiff(List.of(new TiffPage(w, h, 1, 32, true, 1, 1, 1, v)), -1));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.readImage(nan, IntensityMapping.LINEAR));
        assertTrue(e.getMessage().contains(nan.toString()) && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void cmykAndLabTiffsAreConvertedToRgbNotTakenForIt() throws Exception {
        // CMYK: white, cyan, black
        double[] cmyk = {0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255};
        Path f = file("cmyk.tif", HostileFiles.tiff(List.of(new TiffPage(3, 1, 4, 8, false, 5, 1, 1, cmyk)), -1));
        FloatTensor t = ImageFiles.readImage(f, IntensityMapping.LINEAR).pixels();
        assertEquals(3, t.channels());
        assertTrue(t.get(0, 0, 0, 0) > 0.85 && t.get(0, 1, 0, 0) > 0.85 && t.get(0, 2, 0, 0) > 0.85, "white " + t);
        assertTrue(t.get(0, 0, 0, 1) < 0.3 && t.get(0, 1, 0, 1) > 0.5 && t.get(0, 2, 0, 1) > 0.7, "cyan " + t);
        assertTrue(t.get(0, 0, 0, 2) < 0.3 && t.get(0, 1, 0, 2) < 0.3 && t.get(0, 2, 0, 2) < 0.3, "black " + t);
        // CIELab 8-bit: L* 0..255 for 0..100, a* b* signed; white, a red, black
        double[] lab = {255, 0, 0, 135, 70, 50, 0, 0, 0};
        Path l = file("lab.tif", HostileFiles.tiff(List.of(new TiffPage(3, 1, 3, 8, false, 8, 1, 1, lab)), -1));
        FloatTensor lt = ImageFiles.readImage(l, IntensityMapping.LINEAR).pixels();
        assertTrue(lt.get(0, 0, 0, 0) > 0.9 && lt.get(0, 1, 0, 0) > 0.9 && lt.get(0, 2, 0, 0) > 0.9, "white " + lt);
        assertTrue(
                lt.get(0, 0, 0, 1) > lt.get(0, 1, 0, 1) + 0.3 && lt.get(0, 0, 0, 1) > lt.get(0, 2, 0, 1) + 0.3,
                "red " + lt);
        assertTrue(lt.get(0, 0, 0, 2) < 0.1 && lt.get(0, 1, 0, 2) < 0.1, "black " + lt);
    }

    @Test
    void aLoopingPageChainAndTooManyPagesAreRefusedFast() throws Exception {
        List<TiffPage> two = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            two.add(new TiffPage(4, 4, 1, 8, false, 1, 1, 1, new double[16]));
        }
        Path loop = file("loop.tif", HostileFiles.tiff(two, 0));
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> ImageFiles.readImage(loop, IntensityMapping.LINEAR));
        assertTrue(e.getMessage().contains(loop.toString()) && e.getMessage().contains("loops"), e.getMessage());
        Path many = file("many.tif", HostileFiles.manyPageTiff(20_000, 4));
        e = assertThrows(IOException.class, () -> ImageFiles.readImage(many, IntensityMapping.LINEAR));
        assertTrue(
                e.getMessage().contains(many.toString())
                        && e.getMessage().contains("more than 10000 pages")
                        && e.getMessage().contains(DecodeLimits.PAGES_PROPERTY),
                e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5e9, "refusals took " + (System.nanoTime() - t0) / 1e9 + " s");
        // the first page alone is still readable
        assertEquals(4, ImageFiles.read(many).width());
    }

    @Test
    void aTinyPngDeclaringHugeSizeOrAHugeTextChunkIsRefusedBeforeDecoding() throws Exception {
        // a blank 2100x2100 PNG against a 4-megapixel budget stands for 16384x16384 against the default
        DecodeLimits fourMegapixels = new DecodeLimits(1 << 22, 10, DecodeLimits.DEFAULT_MAX_METADATA_BYTES, 60);
        Path big = file("big.png", HostileFiles.hugeBlankPng(2100, 2100));
        assertTrue(Files.size(big) < 20_000, "size " + Files.size(big));
        IOException e = assertThrows(
                IOException.class, () -> ImageFiles.readImage(big, IntensityMapping.LINEAR, fourMegapixels));
        assertTrue(
                e.getMessage().contains(big.toString())
                        && e.getMessage().contains("2100x2100")
                        && e.getMessage().contains(DecodeLimits.PIXELS_PROPERTY),
                e.getMessage());
        Path text = file("text.png", HostileFiles.pngWithTextBomb(64L << 20));
        assertTrue(Files.size(text) < 200_000, "size " + Files.size(text));
        e = assertThrows(IOException.class, () -> ImageFiles.readImage(text, IntensityMapping.LINEAR));
        assertTrue(
                e.getMessage().contains(text.toString())
                        && e.getMessage().contains("zTXt")
                        && e.getMessage().contains(DecodeLimits.METADATA_PROPERTY),
                e.getMessage());
        // the same file within a raised limit decodes: the chunk check is a budget, not a ban
        DecodeLimits raised = new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, 10, 128L << 20, 60);
        assertEquals(
                8,
                ImageFiles.readImage(text, IntensityMapping.LINEAR, raised)
                        .pixels()
                        .width());
    }

    @Test
    void aDecodePastItsTimeBudgetIsRefusedNamingTheLimit() throws Exception {
        Path f = tmp.resolve("slow.png");
        javax.imageio.ImageIO.write(
                new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
                "png",
                f.toFile());
        DecodeLimits instant =
                new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, 10, DecodeLimits.DEFAULT_MAX_METADATA_BYTES, 1e-9);
        IOException e =
                assertThrows(IOException.class, () -> ImageFiles.readImage(f, IntensityMapping.LINEAR, instant));
        assertTrue(
                e.getMessage().contains(f.toString()) && e.getMessage().contains(DecodeLimits.SECONDS_PROPERTY),
                e.getMessage());
        assertEquals(
                64, ImageFiles.readImage(f, IntensityMapping.LINEAR).pixels().width());
    }

    @Test
    void limitsComeFromSystemProperties() {
        String old = System.getProperty(DecodeLimits.PAGES_PROPERTY);
        try {
            System.setProperty(DecodeLimits.PAGES_PROPERTY, "123");
            assertEquals(123, DecodeLimits.fromSystemProperties().maxPages());
            System.setProperty(DecodeLimits.PAGES_PROPERTY, "lots");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, DecodeLimits::fromSystemProperties);
            assertTrue(
                    e.getMessage().contains(DecodeLimits.PAGES_PROPERTY)
                            && e.getMessage().contains("lots"),
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(DecodeLimits.PAGES_PROPERTY);
            } else {
                System.setProperty(DecodeLimits.PAGES_PROPERTY, old);
            }
        }
        assertEquals(
                DecodeLimits.DEFAULT_MAX_PAGES,
                DecodeLimits.fromSystemProperties().maxPages());
    }

    @Test
    void writingManyPagesIsLinear() throws Exception {
        int n = 5_000;
        FloatTensor pages = new FloatTensor(n, 1, 2, 2, new float[n * 4]);
        pages.data()[n * 4 - 1] = 7.5f;
        Path f = tmp.resolve("pages.tif");
        long t0 = System.nanoTime();
        TiffFiles.write(f, pages, TiffFiles.SampleType.FLOAT32, null, "{\"x\":1}");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 2, "writing " + n + " pages took " + seconds + " s");
        assertEquals("{\"x\":1}", TiffFiles.readTags(f).description());
        FloatTensor back = ImageFiles.readImage(
                        f,
                        IntensityMapping.LINEAR,
                        DecodeLimits.fromSystemProperties().withMaxPages(n))
                .pixels();
        assertEquals(n, back.batch());
        assertEquals(7.5f, back.data()[n * 4 - 1]);
    }
}
