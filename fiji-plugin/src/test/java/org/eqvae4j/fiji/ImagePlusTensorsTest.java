package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.FloatProcessor;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/** ImagePlus -> model tensor -> ImagePlus is exact for every type, keeps dimensions and calibration, counts clipping. */
class ImagePlusTensorsTest {

    private static ImagePlus back(ImagePlus imp, ImagePlusTensors.ModelInput in, ImagePlusTensors.ResultType type) {
        return ImagePlusTensors.toImagePlus(in.pixels(), in.layout(), in.metadata(), type, "back")
                .image();
    }

    private static void assertSamePixels(ImagePlus a, ImagePlus b, double tol) {
        assertEquals(a.getStackSize(), b.getStackSize(), "planes");
        for (int s = 1; s <= a.getStackSize(); s++) {
            var pa = a.getStack().getProcessor(s);
            var pb = b.getStack().getProcessor(s);
            for (int i = 0; i < pa.getPixelCount(); i++) {
                if (a.getType() == ImagePlus.COLOR_RGB) {
                    assertEquals(pa.get(i) & 0xffffff, pb.get(i) & 0xffffff, "plane " + s + " pixel " + i);
                } else {
                    assertEquals(pa.getf(i), pb.getf(i), tol, "plane " + s + " pixel " + i);
                }
            }
        }
    }

    @Test
    void rgbIsOneThreeChannelInputAndComesBackExactly() {
        ImagePlus imp = FijiTests.photo();
        FijiTests.calibrate(imp, 2.0, 2.0, "mm");
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, 3, "auto");
        assertEquals(PlaneLayout.Mode.RGB, in.layout().mode());
        assertEquals(1, in.pixels().batch());
        assertEquals(3, in.pixels().channels());
        assertEquals("linear", in.metadata().scaling().method());
        ImagePlus out = back(imp, in, ImagePlusTensors.ResultType.SAME);
        assertEquals(ImagePlus.COLOR_RGB, out.getType());
        assertSamePixels(imp, out, 0);
        assertEquals(2.0, out.getCalibration().pixelWidth);
        assertEquals("mm", out.getCalibration().getUnit());
    }

    @Test
    void sixteenBitUsesPercentilesAndComesBackInItsOwnUnits() {
        ImagePlus imp = FijiTests.grey(16, 48, 40, 4000, "g16.tif");
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, 3, "auto");
        assertTrue(in.metadata().scaling().method().startsWith("percentile"));
        assertTrue(
                in.metadata().scaling().high() < 4100,
                "percentile high in raw units: " + in.metadata().scaling());
        FloatTensor x = in.pixels();
        assertEquals(3, x.channels()); // grey repeated for a 3-channel model
        ImagePlus out = back(imp, in, ImagePlusTensors.ResultType.SAME);
        assertEquals(16, out.getBitDepth());
        assertSamePixels(imp, out, 0);
        assertEquals(0.5, out.getCalibration().pixelWidth);
        assertEquals(0.25, out.getCalibration().pixelHeight);
        assertEquals("micron", out.getCalibration().getUnit());
    }

    @Test
    void floatImagesKeepTheirValuesAndRefuseNaN() {
        ImagePlus imp = FijiTests.grey(32, 24, 24, 3.5, "f.tif");
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, 3, "linear");
        assertSamePixels(imp, back(imp, in, ImagePlusTensors.ResultType.SAME), 1e-6);
        ((FloatProcessor) imp.getProcessor()).setf(3, Float.NaN);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ImagePlusTensors.toModel(imp, 3, "auto"));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("f.tif"), e.getMessage());
    }

    @Test
    void hyperstacksGoPlaneByPlaneOrChannelsAsColour() {
        ImagePlus planes = FijiTests.hyperstack(8, 2, 3, 2, 16);
        ImagePlusTensors.ModelInput a = ImagePlusTensors.toModel(planes, 3, "auto");
        assertEquals(PlaneLayout.Mode.PLANES, a.layout().mode());
        assertEquals(12, a.pixels().batch());
        // the batch follows ImageJ's stack order: item 5 is stack plane 6
        assertEquals(
                planes.getStack().getProcessor(6).getf(17) / 255f, a.pixels().get(5, 0, 1, 1), 1e-6);
        ImagePlus back = back(planes, a, ImagePlusTensors.ResultType.SAME);
        assertEquals(2, back.getNChannels());
        assertEquals(3, back.getNSlices());
        assertEquals(2, back.getNFrames());
        assertSamePixels(planes, back, 0);

        ImagePlus colour = FijiTests.hyperstack(16, 3, 2, 1, 16);
        ImagePlusTensors.ModelInput b = ImagePlusTensors.toModel(colour, 3, "linear");
        assertEquals(PlaneLayout.Mode.CHANNELS, b.layout().mode());
        assertEquals(2, b.pixels().batch());
        assertEquals(
                colour.getStack().getProcessor(colour.getStackIndex(2, 2, 1)).getf(0) / 65535f,
                b.pixels().get(1, 1, 0, 0),
                1e-7);
        ImagePlus backB = back(colour, b, ImagePlusTensors.ResultType.SAME);
        assertEquals(3, backB.getNChannels());
        assertEquals(2, backB.getNSlices());
        assertSamePixels(colour, backB, 0);
    }

    @Test
    void valuesOutsideTheTypeAreCountedAndKeptIn32Bit() {
        ImagePlus imp = FijiTests.grey(8, 8, 8, 255, "c.png");
        ImagePlusTensors.ModelInput in = ImagePlusTensors.toModel(imp, 3, "linear");
        FloatTensor over = in.pixels().map(v -> v * 2 - 0.5); // pushes dark and bright values out of [0, 1]
        ImagePlusTensors.Converted same =
                ImagePlusTensors.toImagePlus(over, in.layout(), in.metadata(), ImagePlusTensors.ResultType.SAME, "s");
        long expected = 0;
        for (int i = 0; i < 64; i++) {
            float v = over.get(0, 0, i / 8, i % 8);
            expected += Math.round(v * 255.0) < 0 || Math.round(v * 255.0) > 255 ? 1 : 0;
        }
        assertTrue(expected > 0, "the test image must have values outside the range");
        assertEquals(expected, same.clipped());
        ImagePlusTensors.Converted f = ImagePlusTensors.toImagePlus(
                over, in.layout(), in.metadata(), ImagePlusTensors.ResultType.FLOAT32, "f");
        assertEquals(0, f.clipped());
        assertEquals(32, f.image().getBitDepth());
        assertEquals(over.get(0, 0, 0, 0) * 255, f.image().getProcessor().getf(0), 1e-3);
    }

    @Test
    void emptyImagesAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ImagePlusTensors.toModel(new ImagePlus(), 3, "auto"));
        assertTrue(e.getMessage().contains("no image"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImagePlusTensors.mapping("gamma", 8));
    }
}
