package org.eqvae4j.runtime.latent;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.IntensityScaling;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.image.TiffFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.TransformSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatentFileTest {
    @TempDir
    Path tmp;

    static ModelManifest manifest(String id, int channels) {
        return new ModelManifest(
                1,
                id,
                id,
                "taef2",
                LatentKind.DETERMINISTIC,
                3,
                channels,
                8,
                0.5,
                0.1,
                new double[] {0, 1},
                256,
                32,
                Map.of("encoder", "e.onnx", "decoder", "d.onnx"),
                null,
                null,
                null,
                null,
                null);
    }

    private static Latent latent() {
        FloatTensor z = TestSupport.random(8, 2, 4, 3, 5).map(v -> v * 7);
        ImageMetadata source = new ImageMetadata(
                "tiff",
                1,
                16,
                false,
                2,
                new PixelSize(0.2, 0.4, "micron"),
                new IntensityScaling(100, 4000, "percentile 1-99.8"));
        return new Latent(z, LatentHeader.of(manifest("taef2", 4), z.shape(), "cells \u00e9t\u00e9.tif", source));
    }

    @Test
    void roundTripsValuesAndHeaderAsAFloatStack() throws Exception {
        Latent l = latent();
        Path f = tmp.resolve("x" + LatentFile.SUFFIX);
        LatentFile.write(f, l);
        Latent back = LatentFile.read(f);
        assertClose(l.values(), back.values(), 0);
        assertEquals(l.header(), back.header());
        // what Fiji and tifffile see: 8 float pages, JSON in the description
        assertArrayEquals(
                new long[] {8, 1, 3, 5},
                ImageFiles.readImage(f, org.eqvae4j.runtime.image.IntensityMapping.LINEAR)
                        .pixels()
                        .shape());
        String json = TiffFiles.readTags(f).description();
        assertTrue(
                json.contains("\"bundleId\":\"taef2\"")
                        && json.contains("\"shape\":[2,4,3,5]")
                        && json.contains("\"latentScale\":0.5")
                        && json.contains("\\u00E9t\\u00E9"),
                json);
    }

    @Test
    void transformsAreRecordedAndAdjustThePixelSize() throws Exception {
        Latent t = latent().transformed(TransformSpec.parse("scale=2,rot=1,flip=h"), "scale=2,rot=1,flip=h");
        assertArrayEquals(new long[] {2, 4, 10, 6}, t.values().shape());
        assertArrayEquals(t.values().shape(), t.header().shape());
        assertEquals(List.of("scale=2,rot=1,flip=h"), t.header().transforms());
        PixelSize p = t.header().source().pixelSize();
        assertEquals(0.2, p.x(), 1e-12); // 0.4 / 2 after the turn
        assertEquals(0.1, p.y(), 1e-12);
    }

    @Test
    void nonFiniteValuesAndForeignFilesAreRefusedNamingTheFile() throws Exception {
        Latent l = latent();
        float[] d = l.values().data().clone();
        d[4 * 15 + 2] = Float.NaN;
        Path nan = tmp.resolve("nan.latent.tif");
        LatentFile.write(nan, new Latent(new FloatTensor(2, 4, 3, 5, d), l.header()));
        IOException e = assertThrows(IOException.class, () -> LatentFile.read(nan));
        assertTrue(
                e.getMessage().contains(nan.toString())
                        && e.getMessage().contains("NaN")
                        && e.getMessage().contains("image 1, channel 0, y 0, x 2"),
                e.getMessage());

        Path image = tmp.resolve("image.tif");
        TiffFiles.write(image, FloatTensor.zeros(1, 1, 4, 4), TiffFiles.SampleType.FLOAT32, null, null);
        IOException foreign = assertThrows(IOException.class, () -> LatentFile.read(image));
        assertTrue(
                foreign.getMessage().contains(image.toString())
                        && foreign.getMessage().contains("not written by eqvae encode"),
                foreign.getMessage());

        Path png = tmp.resolve("image.latent.tif");
        ImageFiles.writePng(FloatTensor.zeros(1, 1, 4, 4), png);
        IOException notTiff = assertThrows(IOException.class, () -> LatentFile.read(png));
        assertTrue(
                notTiff.getMessage().contains(png.toString())
                        && notTiff.getMessage().contains("not a readable TIFF"),
                notTiff.getMessage());

        Path wrongShape = tmp.resolve("shape.latent.tif");
        LatentHeader h = l.header();
        TiffFiles.write(
                wrongShape,
                FloatTensor.zeros(7, 1, 3, 5),
                TiffFiles.SampleType.FLOAT32,
                null,
                TiffFiles.readTags(writeAndKeep(l)).description());
        IOException shape = assertThrows(IOException.class, () -> LatentFile.read(wrongShape));
        assertTrue(
                shape.getMessage().contains("[2, 4, 3, 5]")
                        && shape.getMessage().contains("7 float pages"),
                shape.getMessage());
        assertEquals("taef2", h.bundleId());
    }

    private Path writeAndKeep(Latent l) throws IOException {
        Path f = tmp.resolve("kept.latent.tif");
        LatentFile.write(f, l);
        return f;
    }

    @Test
    void decodabilityChecksChannelsAlwaysAndTheBundleUnlessOverridden() {
        LatentHeader h = latent().header();
        Path f = Path.of("z.latent.tif");
        LatentFile.checkDecodable(h, manifest("taef2", 4), f, false);
        IllegalArgumentException other = assertThrows(
                IllegalArgumentException.class, () -> LatentFile.checkDecodable(h, manifest("eq-taef2", 4), f, false));
        assertTrue(
                other.getMessage().contains("'taef2'")
                        && other.getMessage().contains("'eq-taef2'")
                        && other.getMessage().contains("--ignore-bundle-id")
                        && other.getMessage().contains("z.latent.tif"),
                other.getMessage());
        LatentFile.checkDecodable(h, manifest("eq-taef2", 4), f, true);
        IllegalArgumentException channels = assertThrows(
                IllegalArgumentException.class, () -> LatentFile.checkDecodable(h, manifest("taef2", 32), f, true));
        assertTrue(
                channels.getMessage().contains("4 channels")
                        && channels.getMessage().contains("32-channel"),
                channels.getMessage());
    }
}
