package org.eqvae4j.runtime.image;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFilesTest {
    @TempDir
    Path tmp;

    /** [1,3,16,16]: every value k/255 for k = 0..255 appears in each channel, shuffled differently per channel. */
    private static FloatTensor allByteValuesRgb() {
        float[] d = new float[3 * 256];
        Random r = new Random(5);
        for (int c = 0; c < 3; c++) {
            int[] perm = new int[256];
            for (int i = 0; i < 256; i++) {
                perm[i] = i;
            }
            for (int i = 255; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int i = 0; i < 256; i++) {
                d[c * 256 + i] = perm[i] / 255f;
            }
        }
        return new FloatTensor(1, 3, 16, 16, d);
    }

    @Test
    void rgbPngWriteReadIsExactAtByteValues() throws Exception {
        FloatTensor x = allByteValuesRgb();
        Path png = tmp.resolve("rgb.png");
        ImageFiles.writePng(x, png);
        FloatTensor y = ImageFiles.read(png);
        assertArrayEquals(new long[] {1, 3, 16, 16}, y.shape());
        for (int i = 0; i < x.data().length; i++) {
            int k = Math.round(x.data()[i] * 255);
            assertEquals((float) (k / 255.0), y.data()[i], 0, "value " + k);
            assertEquals(k / 255f, y.data()[i], Math.ulp(1f), "value " + k);
            assertEquals(k, ImageFiles.toByte(y.data()[i]));
        }
        // and the PNG really holds those bytes, channel by channel
        BufferedImage img = ImageIO.read(png.toFile());
        int rgb = img.getRGB(3, 2);
        int i = 2 * 16 + 3;
        assertEquals(Math.round(x.data()[i] * 255), (rgb >> 16) & 0xff);
        assertEquals(Math.round(x.data()[256 + i] * 255), (rgb >> 8) & 0xff);
        assertEquals(Math.round(x.data()[512 + i] * 255), rgb & 0xff);
        // written again, the file is byte-identical
        Path again = tmp.resolve("again.png");
        ImageFiles.writePng(y, again);
        assertArrayEquals(Files.readAllBytes(png), Files.readAllBytes(again));
    }

    @Test
    void greyPngRoundTripsAsOneChannel() throws Exception {
        float[] d = new float[256];
        for (int k = 0; k < 256; k++) {
            d[k] = k / 255f;
        }
        FloatTensor x = new FloatTensor(1, 1, 8, 32, d);
        Path png = tmp.resolve("grey.png");
        ImageFiles.writePng(x, png);
        assertEquals(1, ImageIO.read(png.toFile()).getColorModel().getNumColorComponents());
        assertClose(x, ImageFiles.read(png), 0);
    }

    @Test
    void writePngClampsRoundsAndLeavesNoTempFiles() throws Exception {
        FloatTensor x = new FloatTensor(
                1, 1, 1, 6, new float[] {-0.5f, 1.7f, Float.NaN, 0.5f / 255, 0.49f / 255, 254.5f / 255});
        Path png = tmp.resolve("out/sub/clamped.png");
        ImageFiles.writePng(x, png);
        FloatTensor y = ImageFiles.read(png);
        float[] expected = {0, 1, 0, 1 / 255f, 0, 1};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], y.data()[i], 1e-7, "pixel " + i);
        }
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertEquals(
                    List.of("clamped.png"),
                    s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void writePngRefusesOtherChannelCounts() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFiles.writePng(FloatTensor.zeros(1, 2, 4, 4), tmp.resolve("two.png")));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("two.png")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "tiff"})
    void sixteenBitGreyReadsAsValueOver65535(String format) throws Exception {
        int w = 64;
        int h = 4;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        int[] values = new int[w * h];
        Random rnd = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = i == 0 ? 0 : i == 1 ? 65535 : i == 2 ? 255 : i == 3 ? 256 : rnd.nextInt(65536);
            r.setSample(i % w, i / w, 0, values[i]);
        }
        Path file = tmp.resolve("u16." + format);
        assertTrue(ImageIO.write(img, format, file.toFile()), "ImageIO writes 16-bit " + format);
        FloatTensor t = ImageFiles.read(file);
        assertArrayEquals(new long[] {1, 1, h, w}, t.shape());
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) (values[i] / 65535.0), t.data()[i], 0, "sample " + values[i]);
        }
    }

    @Test
    void sixteenBitRgbUsesTheSixteenBitMaximum() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
        r.setPixel(0, 0, new int[] {65535, 32768, 0});
        r.setPixel(1, 0, new int[] {1, 257, 65534});
        Path png = tmp.resolve("rgb16.png");
        assertTrue(ImageIO.write(new BufferedImage(cm, r, false, null), "png", png.toFile()));
        FloatTensor t = ImageFiles.read(png);
        assertArrayEquals(new long[] {1, 3, 1, 2}, t.shape());
        float[] expected = {
            1f, (float) (1 / 65535.0), (float) (32768 / 65535.0), (float) (257 / 65535.0), 0f, (float) (65534 / 65535.0)
        };
        assertArrayEquals(expected, t.data(), 0f);
    }

    @Test
    void committedSixteenBitTiffChessboard() throws Exception {
        Path tif = TestSupport.repoRoot().resolve("test-images/formats/chessboard_GRAY_U16.tif");
        FloatTensor t = ImageFiles.read(tif);
        assertArrayEquals(new long[] {1, 1, 200, 200}, t.shape());
        float max = 0;
        float min = 1;
        for (float v : t.data()) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertTrue(max <= 255 / 65535f + 1e-9, "16-bit samples scaled by 65535, max " + max);
        assertTrue(max > 0, "not all black");
        assertEquals(0f, min);
        // values are integer samples / 65535
        for (float v : t.data()) {
            double s = v * 65535.0;
            assertEquals(Math.rint(s), s, 1e-3);
        }
    }

    @Test
    void committedPhotos() throws Exception {
        Path photos = TestSupport.repoRoot().resolve("test-images/photos");
        assertArrayEquals(
                new long[] {1, 1, 512, 512},
                ImageFiles.read(photos.resolve("camera.png")).shape());
        assertArrayEquals(
                new long[] {1, 3, 300, 451},
                ImageFiles.read(photos.resolve("chelsea.png")).shape());
    }

    @Test
    void paletteImagesReadTheirColours() throws Exception {
        byte[] red = {(byte) 255, 0, 10, (byte) 200};
        byte[] green = {0, (byte) 255, 20, (byte) 100};
        byte[] blue = {0, 0, 30, (byte) 50};
        for (int type : new int[] {BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_BYTE_BINARY}) {
            IndexColorModel icm =
                    new IndexColorModel(type == BufferedImage.TYPE_BYTE_BINARY ? 2 : 8, 4, red, green, blue);
            BufferedImage img = new BufferedImage(4, 2, type, icm);
            for (int x = 0; x < 4; x++) {
                img.getRaster().setSample(x, 0, 0, x);
                img.getRaster().setSample(x, 1, 0, 3 - x);
            }
            Path png = tmp.resolve("palette" + type + ".png");
            assertTrue(ImageIO.write(img, "png", png.toFile()));
            assertTrue(ImageIO.read(png.toFile()).getColorModel() instanceof IndexColorModel, "stays a palette PNG");
            FloatTensor t = ImageFiles.read(png);
            assertArrayEquals(new long[] {1, 3, 2, 4}, t.shape());
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 4; x++) {
                    int idx = y == 0 ? x : 3 - x;
                    assertEquals((red[idx] & 0xff) / 255f, t.get(0, 0, y, x), 1e-7);
                    assertEquals((green[idx] & 0xff) / 255f, t.get(0, 1, y, x), 1e-7);
                    assertEquals((blue[idx] & 0xff) / 255f, t.get(0, 2, y, x), 1e-7);
                }
            }
        }
    }

    @Test
    void alphaIsDropped() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80_10_20_30);
        img.setRGB(1, 0, 0xff_ff_00_80);
        Path png = tmp.resolve("rgba.png");
        assertTrue(ImageIO.write(img, "png", png.toFile()));
        FloatTensor t = ImageFiles.read(png);
        assertArrayEquals(new long[] {1, 3, 1, 2}, t.shape());
        assertArrayEquals(new float[] {0x10 / 255f, 1f, 0x20 / 255f, 0f, 0x30 / 255f, 0x80 / 255f}, t.data(), 1e-7f);
    }

    @Test
    void packedRgbWithUnequalComponentSizesScalesEachChannelByItsOwnMaximum() throws Exception {
        // 5-6-5 bits (16-bit BMP): white is (31, 63, 31) and must read as (1, 1, 1)
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_565_RGB);
        img.setRGB(0, 0, 0xffffff);
        img.setRGB(1, 0, 0x000000);
        FloatTensor t = ImageFiles.toTensor(img, Path.of("565.bmp"));
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, t.data(), 1e-7f);
    }

    @Test
    void toChannelsGreyToRgbToGrey() {
        FloatTensor grey = TestSupport.random(21, 2, 1, 3, 5).map(v -> (v + 1) / 2);
        FloatTensor rgb = ImageFiles.toChannels(grey, 3);
        assertArrayEquals(new long[] {2, 3, 3, 5}, rgb.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 15; i++) {
                    assertEquals(grey.data()[n * 15 + i], rgb.data()[(n * 3 + c) * 15 + i]);
                }
            }
        }
        assertClose(grey, ImageFiles.toChannels(rgb, 1), 1e-6);
        assertSame(grey, ImageFiles.toChannels(grey, 1));
        // BT.601 luma
        FloatTensor pure = new FloatTensor(1, 3, 1, 3, new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        assertArrayEquals(
                new float[] {0.299f, 0.587f, 0.114f},
                ImageFiles.toChannels(pure, 1).data(),
                1e-7f);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ImageFiles.toChannels(FloatTensor.zeros(1, 2, 1, 1), 3));
        assertTrue(e.getMessage().contains("2 channels to 3"), e.getMessage());
    }

    private Path realPng() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(9);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        Path p = tmp.resolve("real.png");
        ImageIO.write(img, "png", p.toFile());
        assertTrue(Files.size(p) > 1000);
        return p;
    }

    private static void assertIoNaming(Path file, String problem) {
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "says " + problem + ": " + e.getMessage());
    }

    @Test
    void truncatedPng() throws Exception {
        Path truncated = tmp.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(realPng()), 100));
        assertIoNaming(truncated, "corrupt or truncated");
    }

    @Test
    void emptyFile() throws Exception {
        assertIoNaming(Files.createFile(tmp.resolve("empty.png")), "empty");
    }

    @Test
    void textFileNamedPng() throws Exception {
        assertIoNaming(
                Files.writeString(tmp.resolve("notes.png"), "this is not an image\n"), "not in a readable format");
    }

    @Test
    void missingFileAndFolder() {
        assertIoNaming(tmp.resolve("missing.png"), "does not exist");
        assertIoNaming(tmp, "not a file");
    }

    @Test
    void toByteClampsAndRounds() {
        assertEquals(0, ImageFiles.toByte(Float.NaN));
        assertEquals(0, ImageFiles.toByte(-3f));
        assertEquals(0, ImageFiles.toByte(Float.NEGATIVE_INFINITY));
        assertEquals(255, ImageFiles.toByte(1.0001f));
        assertEquals(255, ImageFiles.toByte(Float.POSITIVE_INFINITY));
        assertEquals(0, ImageFiles.toByte(0.49f / 255));
        assertEquals(1, ImageFiles.toByte(0.51f / 255));
        assertEquals(128, ImageFiles.toByte(0.5f)); // 127.5 rounds half up
        assertEquals(254, ImageFiles.toByte(254.4f / 255));
        for (int k = 0; k < 256; k++) {
            assertEquals(k, ImageFiles.toByte(k / 255f));
        }
    }

    /**
     * WebP (TwelveMonkeys' ImageIO plug-in): test-images/formats/chelsea-crop-*.webp were made with libwebp's
     * cwebp from the 96x80 crop at (x 150, y 60) of photos/chelsea.png (-lossless -exact, and -q 80).
     */
    @Test
    void losslessWebpDecodesToThePngItWasMadeFrom() throws IOException {
        Path formats = TestSupport.repoRoot().resolve("test-images/formats");
        FloatTensor png = org.eqvae4j.runtime.transform.LatentTransform.crop(60, 150, 80, 96)
                .apply(ImageFiles.read(TestSupport.repoRoot().resolve("test-images/photos/chelsea.png")));
        ImageData webp = ImageFiles.readImage(formats.resolve("chelsea-crop-lossless.webp"), IntensityMapping.LINEAR);
        assertEquals("webp", webp.metadata().format());
        assertEquals(8, webp.metadata().bitsPerSample());
        assertClose(png, webp.pixels(), 0);
        // lossy: the same picture, not the same pixels
        FloatTensor lossy = ImageFiles.read(formats.resolve("chelsea-crop-lossy.webp"));
        assertArrayEquals(png.shape(), lossy.shape());
        double psnr = org.eqvae4j.runtime.metrics.ImageMetrics.psnrUint8(png, lossy);
        assertTrue(psnr > 28 && psnr < 60, "lossy WebP PSNR " + psnr);
        assertTrue(ImageFolder.isImageName(formats.resolve("chelsea-crop-lossy.webp")));
        // a truncated WebP is an error naming the file
        byte[] bytes = Files.readAllBytes(formats.resolve("chelsea-crop-lossless.webp"));
        Path cut = Files.write(tmp.resolve("cut.webp"), Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }
}
