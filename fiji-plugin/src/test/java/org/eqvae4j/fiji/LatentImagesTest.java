package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.IntensityScaling;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Latent hyperstacks carry values, header and layout through ImageJ, TIFF files and the command line's latent files. */
class LatentImagesTest {
    @TempDir
    Path tmp;

    private static Latent latent(int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        Random r = new Random(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        ImageMetadata source = new ImageMetadata(
                "imagej",
                1,
                16,
                false,
                n,
                new PixelSize(0.5, 0.25, "micron"),
                new IntensityScaling(100, 4000, "percentile 1-99.8"));
        return new Latent(
                new FloatTensor(n, c, h, w, v),
                new LatentHeader(
                        LatentHeader.FORMAT,
                        LatentHeader.VERSION,
                        "taef2",
                        c,
                        8,
                        1.0,
                        0.0,
                        new long[] {n, c, h, w},
                        List.of(),
                        "cells.tif",
                        source));
    }

    @Test
    void hyperstackCarriesValuesHeaderLayoutAndCalibration() throws IOException {
        Latent z = latent(2, 4, 3, 5);
        PlaneLayout layout = new PlaneLayout(PlaneLayout.Mode.PLANES, 1, 2, 1);
        ImagePlus imp = LatentImages.toImagePlus(z, layout, "cells-latent");
        assertEquals(4, imp.getNChannels());
        assertEquals(2, imp.getNFrames());
        assertEquals(32, imp.getBitDepth());
        assertEquals(4.0, imp.getCalibration().pixelWidth, 1e-12); // 0.5 micron x 8
        assertEquals(2.0, imp.getCalibration().pixelHeight, 1e-12);
        assertTrue(((String) imp.getProperty("Info")).contains("bundle: taef2"));
        // image 1, channel 2 is stack plane 1 * 4 + 2 + 1 (channels fastest, then frames)
        assertEquals(
                z.values().get(1, 2, 1, 3),
                imp.getStack().getProcessor(imp.getStackIndex(3, 1, 2)).getf(3, 1));
        LatentImages.LatentImage back = LatentImages.read(imp);
        assertArrayEquals(z.values().data(), back.latent().values().data());
        assertEquals(z.header(), back.latent().header());
        assertEquals(layout, back.layout());
    }

    @Test
    void survivesSavingAsTiffInImageJ() throws IOException {
        Latent z = latent(1, 3, 4, 4);
        ImagePlus imp = LatentImages.toImagePlus(z, new PlaneLayout(PlaneLayout.Mode.RGB, 1, 1, 1), "l");
        Path f = tmp.resolve("l.tif");
        assertTrue(IJ.saveAsTiff(imp, f.toString()));
        ImagePlus reopened = IJ.openImage(f.toString());
        LatentImages.LatentImage back = LatentImages.read(reopened);
        assertArrayEquals(z.values().data(), back.latent().values().data());
        assertEquals(z.header(), back.latent().header());
        assertEquals(PlaneLayout.Mode.RGB, back.layout().mode());
    }

    @Test
    void readsLatentFilesOfTheCommandLine() throws IOException {
        Latent z = latent(2, 3, 4, 6);
        Path f = tmp.resolve("cells.latent.tif");
        LatentFile.write(f, z);
        ImagePlus imp = IJ.openImage(f.toString());
        assertTrue(LatentImages.isLatent(imp), "the header JSON of a latent file must be found in the opened image");
        LatentImages.LatentImage back = LatentImages.read(imp);
        assertArrayEquals(z.values().data(), back.latent().values().data());
        assertEquals(new PlaneLayout(PlaneLayout.Mode.PLANES, 1, 2, 1), back.layout());
    }

    @Test
    void plainImagesAndEditedLatentsAreRefusedWithTheirName() throws IOException {
        ImagePlus plain = FijiTests.grey(8, 8, 8, 255, "plain.png");
        assertFalse(LatentImages.isLatent(plain));
        IOException e = assertThrows(IOException.class, () -> LatentImages.read(plain));
        assertTrue(
                e.getMessage().contains("'plain.png'") && e.getMessage().contains("not an EQ-VAE latent"),
                e.getMessage());

        ImagePlus imp =
                LatentImages.toImagePlus(latent(1, 3, 4, 4), new PlaneLayout(PlaneLayout.Mode.RGB, 1, 1, 1), "l");
        imp.getStack().deleteLastSlice();
        imp.setStack(imp.getStack(), 2, 1, 1);
        IOException edited = assertThrows(IOException.class, () -> LatentImages.read(imp));
        assertTrue(edited.getMessage().contains("header says 1 x 3 planes"), edited.getMessage());
    }
}
