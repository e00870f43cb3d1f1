package org.eqvae4j.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.nio.file.Path;
import java.util.Random;
import org.eqvae4j.testsupport.RepositoryRoot;

/** Shared fixtures: the repository, the shipped TAEF2 bundle, tiny test images of every ImageJ type. */
public final class FijiTests {
    private FijiTests() {}

    public static Path repoRoot() {
        String home = System.getProperty(Models.HOME_PROPERTY);
        return home != null ? Path.of(home).toAbsolutePath().normalize() : RepositoryRoot.get();
    }

    public static Path taef2() {
        return repoRoot().resolve("models/taef2");
    }

    /** A 64 x 64 crop of the astronaut photo, RGB. */
    public static ImagePlus photo() {
        ImagePlus imp = IJ.openImage(
                repoRoot().resolve("test-images/photos/astronaut.png").toString());
        imp.setRoi(160, 60, 64, 64);
        ImagePlus crop = imp.crop();
        crop.setTitle("astronaut.png");
        return crop;
    }

    /** A smooth grey image with detail (from the photo's green channel) of the given bit depth, scaled into max. */
    public static ImagePlus grey(int bits, int w, int h, double max, String title) {
        ImagePlus rgb = photo();
        ImageProcessor base = rgb.getProcessor().resize(w, h);
        ImageProcessor ip = switch (bits) {
            case 8 -> new ByteProcessor(w, h);
            case 16 -> new ShortProcessor(w, h);
            default -> new FloatProcessor(w, h);
        };
        for (int i = 0; i < w * h; i++) {
            int v = (base.get(i) >> 8) & 0xff;
            ip.setf(i, (float) (v / 255.0 * max));
        }
        ImagePlus imp = new ImagePlus(title, ip);
        calibrate(imp, 0.5, 0.25, "micron");
        return imp;
    }

    /** A grey hyperstack of c x z x t planes, each a shifted copy of {@link #grey}. */
    public static ImagePlus hyperstack(int bits, int c, int z, int t, int size) {
        ImageStack stack = new ImageStack(size, size);
        Random r = new Random(7);
        for (int i = 0; i < c * z * t; i++) {
            ImageProcessor ip = grey(bits, size, size, bits == 16 ? 4000 : bits == 32 ? 3.5 : 255, "p")
                    .getProcessor();
            ip.translate(r.nextInt(9) - 4, r.nextInt(9) - 4);
            stack.addSlice("plane " + i, ip);
        }
        ImagePlus imp = new ImagePlus("stack-" + bits + ".tif", stack);
        imp.setDimensions(c, z, t);
        imp.setOpenAsHyperStack(true);
        calibrate(imp, 0.65, 0.65, "micron");
        return imp;
    }

    public static void calibrate(ImagePlus imp, double pw, double ph, String unit) {
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = pw;
        cal.pixelHeight = ph;
        cal.setUnit(unit);
    }
}
